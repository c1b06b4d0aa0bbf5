import Synchronization

/// The parts of a running daemon that must be ready before it says so (systemd's READY=1, a
/// test that starts a web server): each part is named when the list is built and given its
/// own `ReadySignal`, which it fires once it has been tried (a device opened, or found
/// missing and reported), so "ready" never counts entries that something else wrote.
public final class Readiness: Sendable {
    private struct State {
        var pending: Set<String> = []
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// A part to wait for, named as the log and the timeout's warning will say it.
    public func part(_ name: String) -> ReadySignal {
        state.withLock { _ = $0.pending.insert(name) }
        return ReadySignal { [weak self] in self?.ready(name) }
    }

    /// The parts that have not said they are ready.
    public var pending: [String] { state.withLock { $0.pending.sorted() } }

    private func ready(_ name: String) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard state.pending.remove(name) != nil, state.pending.isEmpty else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Waits until every part is ready, or `limit` has passed; answers the parts still not ready.
    public func waitForAll(limit: Duration) async -> [String] {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.allReady() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return pending
    }

    /// Returns when nothing is pending, or when the task is cancelled.
    private func allReady() async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.pending.isEmpty || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

/// What one part fires when it is ready; firing it again does nothing.
public struct ReadySignal: Sendable {
    private let fire: @Sendable () -> Void

    init(_ fire: @escaping @Sendable () -> Void) { self.fire = fire }

    public func ready() { fire() }

    /// For a part nobody waits on (a test that builds one service by itself).
    public static let unwatched = ReadySignal {}
}
