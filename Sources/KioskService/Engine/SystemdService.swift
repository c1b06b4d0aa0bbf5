import Foundation
import KioskCore
import KioskRuntime
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's side of systemd's `Type=notify`: `READY=1` once every part of the daemon
/// said it is ready (the database open, the HTTP port bound, the metrics following, every
/// device tried), or after `readyLimit` with a warning naming the parts that did not; `STATUS=` with a one-line summary; `WATCHDOG=1`
/// at half of `WATCHDOG_USEC`, and only when the queue engine answered (a hung engine must
/// get the daemon restarted); `STOPPING=1` when asked to stop. Does nothing outside systemd.
public final class SystemdService: Service, Sendable {
    private let notify: SystemdNotify?
    private let watchdog: Duration?
    private let engine: QueueEngine
    private let health: DeviceHealth
    /// Every part of this generation, each with its own signal.
    private let readiness: Readiness
    private let readyLimit: Duration
    private let logger: Logger
    /// Set when this generation stops for a reload: systemd then hears RELOADING, not STOPPING.
    private let forReload = Mutex(false)

    public init(
        engine: QueueEngine, health: DeviceHealth, readiness: Readiness, logger: Logger, readyLimit: Duration = .seconds(5),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        notify = SystemdNotify(environment: environment)
        watchdog = SystemdNotify.watchdogInterval(environment: environment)
        self.engine = engine
        self.health = health
        self.readiness = readiness
        self.readyLimit = readyLimit
        self.logger = logger
    }

    public func run() async throws {
        guard let notify else {
            try? await gracefulShutdown()
            return
        }
        // Each device's first try takes milliseconds; a device that is missing is "tried" too.
        let late = await cancelWhenGracefulShutdown { await self.readiness.waitForAll(limit: self.readyLimit) }
        guard !Task.isShuttingDownGracefully else {
            stopped(notify)
            return
        }
        if !late.isEmpty {
            logger.warning(
                "not every part said it is ready: telling systemd ready anyway",
                metadata: ["not_ready": "\(late.joined(separator: ", "))", "waited": "\(readyLimit)"])
        }
        notify.send("READY=1\nSTATUS=\(await status())")
        logger.info("systemd told: ready")
        if let watchdog {
            // Half the interval, as sd_watchdog_enabled(3) advises.
            let tick = watchdog / 2
            while !Task.isShuttingDownGracefully {
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) } } catch { break }
                if Task.isShuttingDownGracefully { break }
                if await engineAnswers(within: tick) {
                    notify.send("WATCHDOG=1\nSTATUS=\(await status())")
                } else {
                    logger.error("the queue engine did not answer: no watchdog ping, systemd will restart the daemon if it stays so")
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        stopped(notify)
    }

    private func stopped(_ notify: SystemdNotify) {
        if !forReload.withLock({ $0 }) { notify.send("STOPPING=1") }
    }

    /// The engine's thread runs a ping within `limit`, or it is stuck.
    private func engineAnswers(within limit: Duration) async -> Bool {
        let answered = Mutex(false)
        let engine = self.engine
        let ping = Task {
            await engine.ping()
            answered.withLock { $0 = true }
        }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !answered.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        _ = ping
        return answered.withLock { $0 }
    }

    /// "3/3 devices ok, 120 tickets today, 4 waiting".
    private func status() async -> String {
        let all = health.all
        let ok = all.filter { $0.state == .ok }.count
        let state = await engine.snapshot
        let today = state.tickets.values.filter { $0.status != .voided }.count
        let problems = all.filter { $0.state == .unavailable }.map(\.device)
        return "\(ok)/\(all.count) devices ok\(problems.isEmpty ? "" : " (down: \(problems.joined(separator: ", ")))"), "
            + "\(today) tickets today, \(state.waiting.count) waiting"
    }

    /// Tells systemd a reload is under way (with the monotonic time it wants); the next
    /// generation's READY=1 says it is done.
    public func reloading() {
        forReload.withLock { $0 = true }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        notify?.send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)")
    }
}
