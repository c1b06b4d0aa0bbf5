import Foundation

/// Waits for a condition a test expects to become true, checking it often, instead of
/// sleeping a fixed time (a busy CI machine makes fixed sleeps flaky, and slow). Throws
/// with `what` when it does not happen within `seconds`.
public func waitUntil(_ what: String, seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    if try await condition() { return }
    throw TimedOut(description: "timed out after \(seconds) s waiting for \(what)")
}

public struct TimedOut: Error, CustomStringConvertible {
    public let description: String
}

/// Runs blocking work (a socket client, a process) on a thread of its own: blocking Swift's
/// few shared threads could starve the very tasks the test waits for.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { done in
        Thread { done.resume(with: Result { try work() }) }.start()
    }
}

/// The same for tests that are not async (never from async code: it holds its thread).
public func waitUntilBlocking(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        usleep(5_000)
    }
    if try condition() { return }
    throw TimedOut(description: "timed out after \(seconds) s waiting for \(what)")
}
