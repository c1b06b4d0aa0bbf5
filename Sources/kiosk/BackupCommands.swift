import ArgumentParser
import Foundation
import KioskCore
import KioskService
import KioskStore

/// `kiosk backup`: a consistent copy while the daemon runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the database (the daemon may be running; the hall does not wait).")
    @OptionGroup var options: ConfigOption
    @Option(help: "The copy to write (must not exist).") var to: String

    func run() throws {
        let config = try loadConfig(options.config)
        guard !FileManager.default.fileExists(atPath: to) else { throw ValidationError("\(to) exists already: choose a new name") }
        let database = try KioskDatabase(path: config.databasePath)
        try database.backup(to: to)
        let summary = try KioskDatabase.summary(path: to)
        print("backup written to \(to): \(summary.events) events, \(summary.tickets) tickets, last day \(summary.lastDay ?? "-")")
    }
}

/// `kiosk restore`: puts a backup in the database's place, after checks, with the daemon stopped.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database with a backup (the daemon must be stopped; the old database is kept beside it).")
    @OptionGroup var options: ConfigOption
    @Option(help: "The backup to restore.") var from: String

    func run() throws {
        let config = try loadConfig(options.config)
        let target = config.databasePath
        guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("no backup at \(from)") }
        // The daemon's lock: a running daemon's database is never replaced under it.
        let lock: InstanceLock
        do {
            lock = try InstanceLock(database: target, config: config.file)
        } catch let taken as InstanceLock.Taken {
            throw ValidationError("refused: \(taken)")
        }
        let problems = try KioskDatabase.check(path: from)
        guard problems.isEmpty else { throw ValidationError("refused: \(from) is not a good backup: \(problems.joined(separator: "; "))") }
        let summary = try KioskDatabase.summary(path: from)
        let fm = FileManager.default
        var kept: String?
        if fm.fileExists(atPath: target) {
            // The database and its log move aside together, so the old state stays whole.
            let stamp = DateText.iso8601(Date()).replacingOccurrences(of: ":", with: "")
            let aside = "\(target).before-restore-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: target + suffix) {
                try fm.moveItem(atPath: target + suffix, toPath: aside + suffix)
            }
            kept = aside
        }
        let partial = target + ".restoring"
        try? fm.removeItem(atPath: partial)
        try fm.copyItem(atPath: from, toPath: partial)
        guard rename(partial, target) == 0 else {
            throw ValidationError("cannot move the restored copy into place: \(String(cString: strerror(errno)))")
        }
        _ = try KioskDatabase(path: target)  // brings an older backup's schema up to date
        withExtendedLifetime(lock) {}
        print("restored \(from) into \(target): \(summary.events) events, \(summary.tickets) tickets, last day \(summary.lastDay ?? "-")")
        if let kept { print("the database it replaced is kept as \(kept)") }
    }
}
