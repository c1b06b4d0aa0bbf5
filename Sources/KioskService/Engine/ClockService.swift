import Foundation
import ServiceLifecycle

/// Lets time pass in the queue: at local midnight the day ends even if nobody presses a key,
/// so the displays clear and yesterday's open tickets are closed.
public struct ClockService: Service {
    let engine: QueueEngine
    let interval: Duration

    public init(engine: QueueEngine, interval: Duration = .seconds(15)) {
        self.engine = engine
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await engine.perform(.tick)
                try? await Task.sleep(for: interval)
            }
        }
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
