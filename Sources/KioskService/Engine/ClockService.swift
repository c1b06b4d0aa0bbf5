import Foundation
import KioskCore
import ServiceLifecycle

/// Lets time pass in the queue: at local midnight the day ends even if nobody presses a key,
/// so the displays clear and yesterday's open tickets are closed. It sleeps until just after
/// the next midnight (at most `longest`, in case the system's clock is set meanwhile): an
/// idle daemon does not wake for it.
public struct ClockService: Service {
    let engine: QueueEngine
    let longest: Duration

    public init(engine: QueueEngine, longest: Duration = .seconds(3600)) {
        self.engine = engine
        self.longest = longest
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await engine.perform(.tick)
                try? await Task.sleep(for: min(longest, Self.untilAfterMidnight(Date(), in: engine.rules.timeZone)))
            }
        }
    }

    /// From `now` to one second after the next local midnight.
    static func untilAfterMidnight(_ now: Date, in timeZone: TimeZone) -> Duration {
        let today = LocalDay(now, in: timeZone)
        let tomorrow = LocalDay(today.start(in: timeZone).addingTimeInterval(36 * 3600), in: timeZone)
        return .milliseconds(Int64((tomorrow.start(in: timeZone).timeIntervalSince(now) + 1) * 1000))
    }
}

/// Listed last, so it is told first when the daemon stops: it closes the engine's event
/// subscriptions, which ends the open display streams and lets the web server finish.
public struct ShutdownCoordinator: Service {
    let engine: QueueEngine

    public init(engine: QueueEngine) { self.engine = engine }

    public func run() async throws {
        try? await gracefulShutdown()
        await engine.closeSubscriptions()
    }
}
