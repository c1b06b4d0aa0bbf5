import Foundation
import KioskCore
import KioskDevices
import KioskService
import KioskStore
import Logging
import ServiceLifecycle

/// Every device and service of the daemon is built here, and nowhere else: the printer's
/// transport and its issuer, keypads, LED boards, the voice, the clock, the control socket,
/// the nightly backup.
enum Wiring {
    static func daemon(config: KioskConfig, logger: Logger, lock: InstanceLock) throws -> KioskDaemon {
        try KioskDaemon(config: config, logger: logger, lock: lock, printer: config.printer.map { printer in
            { engine, health in
                TicketIssuer(engine: engine, printer: PrinterTransport.make(address: printer.path, baud: printer.baud, rtsCts: printer.rtsCts),
                             renderer: try TicketRenderer(config: config, profile: printer.profile), policy: printer.onFailure,
                             health: health, logger: logger, deadline: .seconds(printer.deadlineSeconds))
            }
        })
    }

    static func services(_ daemon: KioskDaemon, logger: Logger) -> [any Service] {
        let config = daemon.config
        var services: [any Service] = [ClockService(engine: daemon.engine, steps: daemon.clockSteps, logger: logger)]
        if let issuer = daemon.router.issuer { services.append(issuer) }
        for keypad in config.keypads {
            services.append(KeypadService(settings: keypad, router: daemon.router, health: daemon.health, logger: logger))
        }
        if !config.boards.isEmpty {
            services.append(LEDBoardService(engine: daemon.engine, boards: config.boards, thanks: config.thanks, health: daemon.health,
                                            logger: logger))
        }
        if let voice = config.voice {
            services.append(VoiceService(engine: daemon.engine, settings: voice, logger: logger))
        }
        services.append(ControlServer(path: config.controlSocket, router: daemon.router, logger: logger))
        if let backup = config.backup {
            services.append(BackupService(database: daemon.database, settings: backup, timeZone: config.timeZone, health: daemon.health,
                                          logger: logger))
        }
        return services
    }
}
