import Foundation
import GRDB
import KioskCore

/// Errors of the store, with the database path named.
public struct StoreError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// The centre's SQLite database: events, their ticket and rating projections, officers.
/// WAL with `synchronous=FULL`: a command acknowledged has survived a power cut.
public final class KioskDatabase: Sendable {
    public let path: String
    /// The cap `max_size_mb` set, if any.
    public let maxSizeMB: Int?
    let pool: DatabasePool

    /// `maxSizeMB`: the file never grows past it (SQLite then answers "database or disk is
    /// full", as on a full disk), so the database cannot take the disk the system needs.
    public init(path: String, maxSizeMB: Int? = nil) throws {
        self.path = path
        self.maxSizeMB = maxSizeMB
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another writer (an admin's command) holds the lock for milliseconds; longer means a
        // stuck process, and the hall must hear of it rather than wait: up to 2 s, asking again
        // every quarter of a millisecond (SQLite's own timeout sleeps up to 100 ms at a time).
        configuration.busyMode = .callback { retries in
            guard retries < 8_000 else { return false }
            usleep(250)
            return true
        }
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let maxSizeMB {
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(maxSizeMB * 1_048_576 / pageSize)")
            }
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB turns its writer to NORMAL when it switches on WAL (after `prepareDatabase`):
            // an acknowledged command must survive a power cut, so the writer waits for the disk.
            // Small checkpoints, often: the commit that copies the log into the file takes about
            // a millisecond then, not ten (a press must not wait for a large one).
            try pool.writeWithoutTransaction {
                try $0.execute(sql: "PRAGMA synchronous = FULL")
                try $0.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            }
            try Schema.migrator.migrate(pool)
        } catch {
            throw StoreError(path: path, message: "cannot open the database: \(error)")
        }
    }

    /// The bytes the database's pages hold (free pages are reused first, so they do not count).
    public func bytesUsed() throws -> Int {
        try pool.read { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            return (pages - free) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096)
        }
    }

    /// Pages of write-ahead log between two checkpoints (SQLite's default is 1,000).
    static let checkpointPages = 200

    // MARK: Events

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    /// Stores the events of one command and updates the projections, in one transaction.
    ///
    /// `durable: false` commits without waiting for the disk (`synchronous = NORMAL`): for
    /// facts that can be lost in a power cut because the daemon recovers them (a print
    /// outcome becomes "print unknown"). The next durable commit flushes them too.
    ///
    /// `actor`: the account that asked for it over the pages (the audit log's "who"); nil for
    /// keypads, the touch kiosk and the local control socket.
    public func append(_ events: [QueueEvent], day: LocalDay, durable: Bool = true, actor: OfficerID? = nil) throws {
        guard !events.isEmpty else { return }
        if durable {
            try pool.write { db in try insert(events, day: day, actor: actor, db) }
            return
        }
        try pool.writeWithoutTransaction { db in
            // The level can only change outside a transaction.
            try db.run(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.run(sql: "PRAGMA synchronous = FULL") }
            try db.inTransaction {
                try insert(events, day: day, actor: actor, db)
                return .commit
            }
        }
    }

    private func insert(_ events: [QueueEvent], day: LocalDay, actor: OfficerID?, _ db: Database) throws {
        for event in events {
            try project(event, day: day, db)
            let payload = String(decoding: try Self.encoder.encode(event), as: UTF8.self)
            try db.run(
                sql: "INSERT INTO event (at, day, kind, ticket_id, payload, actor) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [event.at.timeIntervalSince1970, day.iso, event.name, event.ticketID?.rawValue, payload, actor?.rawValue])
        }
    }

    private func project(_ event: QueueEvent, day: LocalDay, _ db: Database) throws {
        let at = event.at.timeIntervalSince1970
        switch event.kind {
        case .ticketIssued(let t, _):
            try db.run(
                sql: """
                    INSERT INTO ticket (id, day, service, sequence, number, display, priority, issued_at, status, print_state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?)
                    """,
                arguments: [
                    t.id.rawValue, t.day.iso, t.service.rawValue, t.sequence, t.number, t.display, t.priority,
                    t.issuedAt.timeIntervalSince1970, t.print.rawValue,
                ])
        case .ticketCalled(let id, _, let c, let officer):
            try db.run(
                sql: """
                    UPDATE ticket SET status = 'called', counter = ?, officer = ?, called_at = COALESCE(called_at, ?) WHERE id = ?
                    """, arguments: [c.rawValue, officer.rawValue, at, id.rawValue])
        case .ticketRecalled(let id, _, _, let recalls):
            try db.run(sql: "UPDATE ticket SET recalls = ? WHERE id = ?", arguments: [recalls, id.rawValue])
        case .ticketFinished(let id, let c, let outcome):
            try db.run(
                sql: "UPDATE ticket SET status = 'finished', counter = ?, finished_at = ?, outcome = ? WHERE id = ?",
                arguments: [c.rawValue, at, outcome.rawValue, id.rawValue])
        case .ticketNoShow(let id, let c):
            try db.run(
                sql: "UPDATE ticket SET status = 'noShow', counter = ?, finished_at = ? WHERE id = ?",
                arguments: [c.rawValue, at, id.rawValue])
        case .ticketTransferred(let id, _, _):
            try db.run(sql: "UPDATE ticket SET status = 'waiting', transfers = transfers + 1 WHERE id = ?", arguments: [id.rawValue])
        case .ticketHeld(let id, _):
            try db.run(sql: "UPDATE ticket SET status = 'held' WHERE id = ?", arguments: [id.rawValue])
        case .ticketReturned(let id, _, _):
            try db.run(sql: "UPDATE ticket SET status = 'called' WHERE id = ?", arguments: [id.rawValue])
        case .ticketExpired(let id):
            try db.run(sql: "UPDATE ticket SET status = 'expired' WHERE id = ?", arguments: [id.rawValue])
        case .ratingRecorded(let r):
            if r.replacesVote, let ticket = r.ticket {
                try db.run(sql: "UPDATE rating SET flag = 'replaced' WHERE ticket_id = ? AND flag IS NULL", arguments: [ticket.rawValue])
            }
            try db.run(
                sql: """
                    INSERT INTO rating (at, day, counter, ticket_id, service, officer, level, label, scale_size, satisfied, flag)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    at, day.iso, r.counter.rawValue, r.ticket?.rawValue, r.service?.rawValue, r.officer?.rawValue,
                    r.level, r.label, r.scaleSize, r.satisfied, r.flag?.rawValue,
                ])
            if r.flag == nil, let ticket = r.ticket {
                try db.run(sql: "UPDATE ticket SET rated = 1 WHERE id = ?", arguments: [ticket.rawValue])
            }
        case .dossierLinked(let id, _, let c, let code):
            // The same code scanned twice for a ticket is one dossier.
            try db.run(
                sql: "INSERT OR IGNORE INTO dossier (code, ticket_id, day, at, counter) VALUES (?, ?, ?, ?, ?)",
                arguments: [code, id.rawValue, day.iso, at, c.rawValue])
        case .ratingReasonGiven(let c, _, let reason, let label):
            // The question follows the counter's last press: any other press there closes it.
            try db.run(
                sql: """
                    UPDATE rating SET reason = ?, reason_label = ?
                    WHERE id = (SELECT MAX(id) FROM rating WHERE counter = ? AND day = ?)
                    """, arguments: [reason, label, c.rawValue, day.iso])
        case .ticketPrinted(let id, _):
            try db.run(sql: "UPDATE ticket SET print_state = 'printed', print_reason = NULL WHERE id = ?", arguments: [id.rawValue])
        case .ticketPrintFailed(let id, _, let reason):
            try db.run(sql: "UPDATE ticket SET print_state = 'failed', print_reason = ? WHERE id = ?", arguments: [reason, id.rawValue])
        case .ticketPrintUnknown(let id, _):
            try db.run(sql: "UPDATE ticket SET print_state = 'unknown' WHERE id = ?", arguments: [id.rawValue])
        case .ticketVoided(let id, _, let reason):
            try db.run(
                sql: "UPDATE ticket SET status = 'voided', print_state = 'voided', print_reason = ? WHERE id = ?",
                arguments: [reason, id.rawValue])
        case .ticketReprinted(let id, _):
            try db.run(
                sql: "UPDATE ticket SET print_state = 'printed', print_reason = NULL, reprints = reprints + 1 WHERE id = ?",
                arguments: [id.rawValue])
        case .dayStarted, .officerSignedIn, .officerSignedOut:
            break
        }
    }

    /// What the queue needs to rebuild itself: the first free ticket id, and the events since
    /// the last day start (a day start clears everything before it).
    public func replayLog() throws -> (nextTicketID: TicketID, events: [QueueEvent]) {
        try pool.read { db in
            let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ticket") ?? 0
            let from = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event WHERE kind = 'dayStarted'") ?? 0
            let decoder = JSONDecoder()
            let events = try String.fetchAll(
                db, sql: "SELECT payload FROM event WHERE seq >= ? AND kind NOT LIKE 'audit.%' ORDER BY seq", arguments: [from]
            )
            .map { try decoder.decode(QueueEvent.self, from: Data($0.utf8)) }
            return (TicketID(maxID + 1), events)
        }
    }

    /// Where each service's numbering stopped on `day`: empty for a day never used. A clock set
    /// back to a day already used goes on from here, so no number is given twice in a day.
    public func numberingPositions(day: LocalDay) throws -> [NumberingPosition] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT service, sequence, number FROM ticket t
                    WHERE day = ? AND sequence = (SELECT MAX(sequence) FROM ticket WHERE day = t.day AND service = t.service)
                    ORDER BY service
                    """, arguments: [day.iso]
            ).map { NumberingPosition(service: ServiceCode($0[0] as String), sequence: $0[1], number: $0[2]) }
        }
    }

    /// Tickets of any day whose reservation has no print outcome: the daemon stopped between
    /// storing the number and hearing from the printer. Read once at start, without an index
    /// (every reservation and outcome would pay for one): a year of tickets reads in ~0.1 s.
    public func pendingPrints() throws -> [(id: TicketID, display: String, day: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, display, day FROM ticket WHERE print_state = 'pending' ORDER BY id")
                .map { (TicketID($0[0] as Int64), $0[1], $0[2]) }
        }
    }

    public func eventCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM event") ?? 0 }
    }

    // MARK: Officers

    public func addOfficer(_ officer: Officer) throws {
        try pool.write { db in try officer.insert(db) }
    }

    /// A disabled account's sessions end at once.
    public func setOfficerActive(_ id: OfficerID, _ active: Bool) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE officer SET active = ? WHERE id = ?", arguments: [active, id.rawValue])
            let changed = db.changesCount > 0
            if !active { try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [id.rawValue]) }
            return changed
        }
    }

    public func officer(_ id: OfficerID) throws -> Officer? {
        try pool.read { db in try Officer.fetchOne(db, key: id.rawValue) }
    }

    public func officers() throws -> [Officer] {
        try pool.read { db in try Officer.order(Column("id")).fetchAll(db) }
    }
}

extension Database {
    /// Runs one of the store's fixed statements, prepared once per connection: every press
    /// goes through a few of them, and preparing costs more than running.
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
