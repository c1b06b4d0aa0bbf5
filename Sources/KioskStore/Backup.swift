import Foundation
import GRDB

/// Consistent copies of the database while the daemon runs, and the checks a copy must pass
/// before it may replace the database.
extension KioskDatabase {
    /// Writes a consistent copy to `path` (SQLite's `VACUUM INTO`: one read snapshot, so every
    /// command committed before it began is in the copy, and writers are not held up). The
    /// copy is written beside `path` and renamed into place, so `path` is never half a file.
    public func backup(to path: String) throws {
        let partial = path + ".partial"
        unlink(partial)
        do {
            // Owner only (0600): a copy holds every account's hash and the audit log. VACUUM INTO
            // writes into an empty file that exists, keeping its mode.
            let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw StoreError(path: path, message: "cannot create the copy: \(String(cString: strerror(errno)))")
            }
            fchmod(fd, 0o600)
            close(fd)
            // Not in a transaction (VACUUM refuses one), on a reader: the writer, and so the hall, go on.
            try pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [partial]) }
            let problems = try Self.check(path: partial)
            guard problems.isEmpty else {
                throw StoreError(path: path, message: "the copy failed its check: \(problems.joined(separator: "; "))")
            }
            guard rename(partial, path) == 0 else {
                throw StoreError(path: path, message: "cannot rename the copy into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(partial)
            if error is StoreError { throw error }
            throw StoreError(path: path, message: "backup failed: \(error)")
        }
    }

    /// What is wrong with a database file as a backup of this version's schema: its integrity,
    /// and migrations this version does not know (a backup from a newer version). Empty: none.
    public static func check(path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            return ["not an SQLite database: \(error)"]
        }
        return try queue.read { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems.append("integrity: " + integrity.prefix(5).joined(separator: ", ")) }
            guard try db.tableExists("grdb_migrations"), try db.tableExists("event") else {
                return problems + ["not a kiosk database (no event log)"]
            }
            let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            let unknown = applied.subtracting(Schema.migrator.migrations)
            if !unknown.isEmpty { problems.append("made by a newer version (migrations \(unknown.sorted().joined(separator: ", ")))") }
            return problems
        }
    }

    /// Events and tickets in a database file, to tell an admin what a backup holds.
    public static func summary(path: String) throws -> (events: Int, tickets: Int, lastDay: String?) {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket") ?? 0,
                try String.fetchOne(db, sql: "SELECT MAX(day) FROM ticket")
            )
        }
    }
}
