import Synchronization

/// Runs `body`, or gives up after `seconds` and calls `giveUp` (which closes the connection):
/// a network cable pulled out leaves a connection that never answers, and the sync must not
/// wait on it for hours. The caller never waits for a `body` that does not end.
func withDeadline<T: Sendable>(
    _ seconds: Int, what: String, giveUp: @escaping @Sendable () -> Void,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.waiting.withLock { $0 = continuation }
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            guard !Task.isCancelled else { return }
            if race.finish(.failure(CentralError("no answer from the server within \(seconds) s (\(what))"))) { giveUp() }
        }
        Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            timer.cancel()
            race.finish(result)
        }
    }
}

/// Whoever finishes first resumes the caller; the other finds nobody waiting.
private final class Race<T: Sendable>: Sendable {
    let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)

    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        guard
            let continuation = waiting.withLock({ w in
                defer { w = nil }
                return w
            })
        else { return false }
        continuation.resume(with: result)
        return true
    }
}
