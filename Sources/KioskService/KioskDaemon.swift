import Foundation
import KioskCore
import KioskStore
import Logging

/// The running system's core, from the config: the database, the queue engine, device health,
/// the command router (with the ticket printer, if any) and the accounts. The devices and the
/// services around it are built by the executable (`Sources/kiosk/Wiring.swift`), in one place.
public struct KioskDaemon: Sendable {
    public let config: KioskConfig
    public let database: KioskDatabase
    public let engine: QueueEngine
    public let health: DeviceHealth
    public let router: CommandRouter
    /// Staff accounts, logins and sessions of the pages.
    public let accounts: AccountService
    /// How the sync to the province stands, as `kiosk-province sync` last wrote it (no status without `[province]`).
    public let province: ProvinceLink
    /// Held for the daemon's life: no second daemon on the same database.
    public let lock: InstanceLock
    /// How full the database is against `max_size_mb`.
    public let space: DatabaseSpace
    /// The wall clock's steps (a box without a time source, an RTC reset, a mistyped `date`).
    public let clockSteps: ClockSteps

    /// `lock`: the one taken at the first start, kept across reloads. `printer`: makes the
    /// ticket printer's issuer for the engine (nil: tickets are stored, nothing is printed).
    public init(
        config: KioskConfig, logger: Logger, lock: InstanceLock? = nil,
        printer: ((QueueEngine, DeviceHealth) throws -> TicketIssuer)? = nil
    ) throws {
        self.config = config
        self.lock = try lock ?? InstanceLock(database: config.databasePath, config: config.file)
        database = try KioskDatabase(path: config.databasePath, maxSizeMB: config.databaseMaxMB)
        health = DeviceHealth()
        accounts = AccountService(database: database, settings: config.accounts, timeZone: config.timeZone, logger: logger)
        space = DatabaseSpace(database: database, logger: logger)
        space.check()
        engine = try QueueEngine(rules: config.rules, database: database, health: health, space: space, logger: logger)
        router = CommandRouter(engine: engine, issuer: try printer?(engine, health))
        clockSteps = ClockSteps()
        // The clock went back while the daemon was stopped: its newest event is in the future.
        if let newest = try database.lastEvent().at {
            let now = Date()
            if clockSteps.record(now.timeIntervalSince1970 - newest, at: now) {
                logger.warning(
                    "the system clock is behind the newest stored event: it was set back; the day follows the clock",
                    metadata: ["step_seconds": "\(Int(now.timeIntervalSince1970 - newest))"])
            }
        }
        province =
            config.province.map {
                ProvinceLink(readingFrom: ProvinceSettings.statusFile(database: config.databasePath), server: $0.server.description)
            } ?? ProvinceLink()
    }
}
