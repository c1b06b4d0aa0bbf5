import Foundation
import KioskCore
import KioskDevices
import KioskStore
import Logging
import ServiceLifecycle

/// The running system, assembled from the config: the queue engine and the services around it
/// (keypads, printer, clock, control socket). The web server is added by the executable.
public struct KioskDaemon: Sendable {
    public let config: KioskConfig
    public let database: KioskDatabase
    public let engine: QueueEngine
    public let health: DeviceHealth
    public let router: CommandRouter
    /// Staff accounts, logins and sessions of the pages.
    public let accounts: AccountService
    public let services: [any Service]
    /// Held for the daemon's life: no second daemon on the same database.
    public let lock: InstanceLock

    /// `lock`: the one taken at the first start, kept across reloads.
    public init(config: KioskConfig, logger: Logger, lock: InstanceLock? = nil) throws {
        self.config = config
        self.lock = try lock ?? InstanceLock(database: config.databasePath, config: config.file)
        database = try KioskDatabase(path: config.databasePath, maxSizeMB: config.databaseMaxMB)
        health = DeviceHealth()
        accounts = AccountService(database: database, settings: config.accounts, timeZone: config.timeZone, logger: logger)
        engine = try QueueEngine(rules: config.rules, database: database, health: health, logger: logger)
        var services: [any Service] = [ClockService(engine: engine)]
        var issuer: TicketIssuer?
        if let printer = config.printer {
            issuer = TicketIssuer(engine: engine, printer: PrinterTransport.make(address: printer.path, baud: printer.baud, rtsCts: printer.rtsCts),
                                  renderer: try TicketRenderer(config: config, profile: printer.profile), policy: printer.onFailure,
                                  health: health, logger: logger, deadline: .seconds(printer.deadlineSeconds))
            services.append(issuer!)
        }
        router = CommandRouter(engine: engine, issuer: issuer)
        for keypad in config.keypads {
            services.append(KeypadService(settings: keypad, router: router, health: health, logger: logger))
        }
        if !config.boards.isEmpty {
            services.append(LEDBoardService(engine: engine, boards: config.boards, thanks: config.thanks, health: health, logger: logger))
        }
        if let voice = config.voice {
            services.append(VoiceService(engine: engine, settings: voice, logger: logger))
        }
        services.append(ControlServer(path: config.controlSocket, router: router, logger: logger))
        if let backup = config.backup {
            services.append(BackupService(database: database, settings: backup, timeZone: config.timeZone, health: health, logger: logger))
        }
        self.services = services
    }
}
