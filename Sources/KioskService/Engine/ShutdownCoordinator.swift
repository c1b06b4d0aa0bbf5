import ServiceLifecycle

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
