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
    public let services: [any Service]

    public init(config: KioskConfig, logger: Logger) throws {
        self.config = config
        database = try KioskDatabase(path: config.databasePath)
        engine = try QueueEngine(rules: config.rules, database: database, logger: logger)
        health = DeviceHealth()
        var services: [any Service] = [ClockService(engine: engine)]
        if let printer = config.printer {
            let renderer = try TicketRenderer(config: config, profile: printer.profile)
            services.append(PrinterService(engine: engine, printer: DevicePathPrinter(path: printer.path, baud: printer.baud),
                                           renderer: renderer, health: health, logger: logger))
        }
        for keypad in config.keypads {
            services.append(KeypadService(settings: keypad, engine: engine, health: health, logger: logger))
        }
        services.append(ControlServer(path: config.controlSocket, engine: engine, logger: logger))
        self.services = services
    }
}
