import Foundation
import KioskCore
import KioskRuntime
import KioskStore
import Logging
import ServiceLifecycle

/// `[backup]`: where the nightly copy goes (a USB stick), at what local time, how many to keep.
public struct BackupSettings: Sendable, Equatable {
    public var folder: String
    /// Minutes after local midnight.
    public var minuteOfDay: Int
    public var keep: Int

    public init(folder: String, minuteOfDay: Int = 22 * 60, keep: Int = 14) {
        self.folder = folder
        self.minuteOfDay = minuteOfDay
        self.keep = keep
    }
}

/// The nightly backup: once a day at the configured local time a consistent copy of the
/// database goes into the folder as `kiosk-YYYY-MM-DD-HHMM.sqlite`, and the oldest beyond
/// `keep` are deleted. It wakes once a day, and copies on a thread of its own, from a read
/// snapshot: the hall does not wait for it. A failure (the stick is missing, full) is logged
/// and shown in `/health` as the device "backup".
public struct BackupService: Service {
    let database: KioskDatabase
    let settings: BackupSettings
    let timeZone: TimeZone
    let health: DeviceHealth
    let logger: Logger
    private let worker = WorkerThread(name: "backup")

    public init(database: KioskDatabase, settings: BackupSettings, timeZone: TimeZone, health: DeviceHealth, logger: Logger) {
        self.database = database
        self.settings = settings
        self.timeZone = timeZone
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        health.set("backup", path: settings.folder, .unknown, detail: "next at \(Self.clock(settings.minuteOfDay))")
        while !Task.isShuttingDownGracefully {
            let wait = Self.next(after: Date(), minuteOfDay: settings.minuteOfDay, in: timeZone).timeIntervalSinceNow
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(wait, 1))) } } catch { return }
            let settings = self.settings
            let database = self.database
            let zone = timeZone
            let result: Result<String, any Error> = await withCheckedContinuation { continuation in
                worker.async {
                    continuation.resume(returning: Result { try Self.runOnce(database: database, settings: settings, timeZone: zone) })
                }
            }
            switch result {
            case .success(let file):
                health.set("backup", path: settings.folder, .ok, detail: "last: \((file as NSString).lastPathComponent)")
                logger.info("nightly backup written", metadata: ["file": "\(file)"])
            case .failure(let error):
                health.set("backup", path: settings.folder, .unavailable, detail: "\(error)")
                logger.error("nightly backup failed", metadata: ["folder": "\(settings.folder)", "error": "\(error)"])
            }
        }
    }

    /// One backup into the folder, then the oldest beyond `keep` deleted. Returns the file written.
    public static func runOnce(database: KioskDatabase, settings: BackupSettings, timeZone: TimeZone, now: Date = Date()) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: settings.folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw BackupError("the folder \(settings.folder) is not there (is the USB stick plugged in and mounted?)")
        }
        let file = "\(settings.folder)/kiosk-\(DateText.format(now, in: timeZone, "yyyy-MM-dd-HHmm")).sqlite"
        try database.backup(to: file)
        let ours = try FileManager.default.contentsOfDirectory(atPath: settings.folder)
            .filter { $0.hasPrefix("kiosk-") && $0.hasSuffix(".sqlite") }.sorted()
        for old in ours.dropLast(settings.keep) { try? FileManager.default.removeItem(atPath: "\(settings.folder)/\(old)") }
        return file
    }

    /// The next time the local clock shows `minuteOfDay`, after `date`.
    static func next(after date: Date, minuteOfDay: Int, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: date)
        let today = calendar.date(byAdding: .minute, value: minuteOfDay, to: start)!
        return today > date ? today : calendar.date(byAdding: .day, value: 1, to: today)!
    }

    static func clock(_ minuteOfDay: Int) -> String { String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60) }
}

public struct BackupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
