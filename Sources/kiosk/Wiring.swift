import Foundation
import KioskCore
import KioskDevices
import KioskRuntime
import KioskService
import KioskStore
import KioskWeb
import Logging
import ServiceLifecycle

/// Every part of the daemon is built here, and nowhere else: the core (database, engine,
/// accounts), then one list of long-running parts, each given its own ready signal. A new
/// device kind is a settings type, its section's reader, and one line in `generation`.
enum Wiring {
    /// One generation of the running daemon (a reload builds the next one).
    struct Generation {
        let daemon: KioskDaemon
        /// In start order; the service group stops them in reverse.
        let services: [any Service]
        /// Told of a reload, so systemd hears RELOADING, not STOPPING.
        let systemd: SystemdService
    }

    static func generation(config: KioskConfig, logger: Logger, lock: InstanceLock) throws -> Generation {
        let readiness = Readiness()
        let daemon = try KioskDaemon(
            config: config, logger: logger, lock: lock,
            printer: config.printer.map { printer in
                let ready = readiness.part("printer")
                return { engine, health in
                    TicketIssuer(
                        engine: engine, printer: PrinterTransport.make(address: printer.path, baud: printer.baud, rtsCts: printer.rtsCts),
                        renderer: try TicketRenderer(config: config, profile: printer.profile), policy: printer.onFailure,
                        health: health, logger: logger, deadline: .seconds(printer.deadlineSeconds), ready: ready)
                }
            })
        let (engine, health, router) = (daemon.engine, daemon.health, daemon.router)
        var services: [any Service] = [
            ClockService(engine: engine, steps: daemon.clockSteps, logger: logger, ready: readiness.part("clock"))
        ]
        if let issuer = router.issuer { services.append(issuer) }
        for keypad in config.keypads {
            services.append(
                KeypadService(
                    settings: keypad, router: router, health: health, logger: logger,
                    ready: readiness.part("keypad \(keypad.name)")))
        }
        if !config.boards.isEmpty {
            services.append(
                LEDBoardService(
                    engine: engine, boards: config.boards, thanks: config.thanks, health: health, logger: logger,
                    ready: { readiness.part("LED bus \($0)") }))
        }
        if let voice = config.voice { services.append(VoiceService(engine: engine, settings: voice, logger: logger)) }
        services.append(ControlServer(path: config.controlSocket, router: router, logger: logger, ready: readiness.part("control socket")))
        if let backup = config.backup {
            services.append(
                BackupService(database: daemon.database, settings: backup, timeZone: config.timeZone, health: health, logger: logger))
        }
        let metrics = KioskMetrics(daemon: daemon, ready: readiness.part("metrics"))
        services.append(metrics)
        services += try WebServer.applications(daemon: daemon, metrics: metrics, logger: logger, readiness: readiness)
        // Stopped first: it closes the engine's subscriptions, which ends the open push streams.
        services.append(ShutdownCoordinator(engine: engine))
        let systemd = SystemdService(engine: engine, health: health, readiness: readiness, logger: logger)
        services.append(systemd)
        return Generation(daemon: daemon, services: services, systemd: systemd)
    }
}
