import Foundation

extension BackupSettings {
    /// `[backup]`; nil when absent.
    static func read(_ top: TableReader) throws(ConfigError) -> BackupSettings? {
        guard let t = try top.table("backup") else { return nil }
        let defaults = BackupSettings(folder: "")
        let time = try t.string("time", default: String(format: "%02d:%02d", defaults.minuteOfDay / 60, defaults.minuteOfDay % 60))
        let parts = time.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let h = parts[0], let m = parts[1], (0...23).contains(h), (0...59).contains(m) else {
            throw t.error("time", "\(time) is not a time of day: write it as HH:MM (22:00)")
        }
        let backup = BackupSettings(
            folder: try t.path("folder"), minuteOfDay: h * 60 + m,
            keep: try t.int("keep", default: defaults.keep, in: 1...3650))
        try t.finish()
        return backup
    }
}
