import Foundation
import KioskCore
import KioskRuntime
import Logging
import ServiceLifecycle

/// Lets time pass in the queue: at local midnight the day ends even if nobody presses a key,
/// so the displays clear and yesterday's open tickets are closed. It sleeps until just after
/// the next midnight (at most `longest`): an idle daemon does not wake for it. When the
/// system's clock is set, the kernel wakes it at once (`ClockStepWatch`): a step to another
/// calendar day, forward or back, starts that day, and a large step is reported.
public struct ClockService: Service {
    let engine: QueueEngine
    let longest: Duration
    let steps: ClockSteps
    let logger: Logger
    let ready: ReadySignal

    public init(
        engine: QueueEngine, steps: ClockSteps = ClockSteps(), logger: Logger = Logger(label: "kiosk.clock"),
        longest: Duration = .seconds(3600), ready: ReadySignal = .unwatched
    ) {
        self.engine = engine
        self.ready = ready
        self.steps = steps
        self.logger = logger
        self.longest = longest
    }

    public func run() async throws {
        let (stepped, continuation) = AsyncStream.makeStream(of: Double.self, bufferingPolicy: .bufferingNewest(16))
        let watch = ClockStepWatch { continuation.yield($0) }
        defer { watch.cancel() }
        let (engine, steps, logger) = (engine, steps, logger)
        let reporter = Task {
            for await seconds in stepped {
                if steps.record(seconds, at: Date()) {
                    logger.warning(
                        seconds < 0 ? "the system clock was set back" : "the system clock was set forward",
                        metadata: ["step_seconds": "\(Int(seconds))", "now": "\(DateText.iso8601(Date()))"])
                }
                _ = try? await engine.perform(.tick)
            }
        }
        defer { reporter.cancel() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await engine.perform(.tick)
                ready.ready()
                try? await Task.sleep(for: min(longest, Self.untilAfterMidnight(Date(), in: engine.rules.timeZone)))
            }
        }
        continuation.finish()
    }

    /// From `now` to one second after the next local midnight.
    static func untilAfterMidnight(_ now: Date, in timeZone: TimeZone) -> Duration {
        let today = LocalDay(now, in: timeZone)
        let tomorrow = LocalDay(today.start(in: timeZone).addingTimeInterval(36 * 3600), in: timeZone)
        return .milliseconds(Int64((tomorrow.start(in: timeZone).timeIntervalSince(now) + 1) * 1000))
    }
}
