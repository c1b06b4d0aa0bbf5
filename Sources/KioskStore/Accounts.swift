import Foundation
import GRDB
import KioskCore

/// What a login needs to know of an account: never printed, never encoded.
public struct Credentials: Sendable {
    public let account: Officer
    /// bcrypt's `$2b$...` string; nil until a password is set.
    public let passwordHash: String?
    /// Wrong passwords in a row since the last good one.
    public let failedLogins: Int
    public let lockedUntil: Date?
}

/// A signed-in browser: the cookie carries `id`, forms carry `csrf`. The database keeps only
/// the id's SHA-256: whoever reads the file or a backup cannot sign in with what they read.
public struct StoredSession: Sendable, Equatable {
    public let id: String
    public let account: OfficerID
    public let csrf: String
    public let createdAt: Date
    public var expiresAt: Date
    public let address: String?

    public init(id: String, account: OfficerID, csrf: String, createdAt: Date, expiresAt: Date, address: String?) {
        self.id = id
        self.account = account
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.address = address
    }
}

/// One line of the audit log: who changed what, when.
public struct AuditEntry: Sendable, Equatable, Encodable {
    public let seq: Int64
    public let at: Date
    public let actor: String
    /// An event's name (`ticketCalled`) or an account action (`audit.accountAdded`).
    public let action: String
    /// What it touched, in words: the ticket and counter, the account changed, the export.
    public let detail: String
}

extension KioskDatabase {
    // MARK: Accounts

    /// Creates an account, with its password hash when one is given.
    public func addAccount(_ account: Officer, passwordHash: String?) throws {
        try pool.write { db in
            try account.insert(db)
            if let passwordHash {
                try db.execute(sql: "UPDATE officer SET password_hash = ? WHERE id = ?", arguments: [passwordHash, account.id.rawValue])
            }
        }
    }

    public func setRole(_ id: OfficerID, _ role: Role) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE officer SET role = ? WHERE id = ?", arguments: [role.rawValue, id.rawValue])
            let changed = db.changesCount > 0
            // A changed role ends the account's sessions: the next login gets the new pages.
            try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [id.rawValue])
            return changed
        }
    }

    /// Sets a new password hash, unlocks the account and ends its sessions.
    public func setPasswordHash(_ id: OfficerID, _ hash: String) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE officer SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                arguments: [hash, id.rawValue])
            let changed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [id.rawValue])
            return changed
        }
    }

    public func credentials(of id: OfficerID) throws -> Credentials? {
        try pool.read { db in
            guard let account = try Officer.fetchOne(db, key: id.rawValue),
                let row = try Row.fetchOne(
                    db, sql: "SELECT password_hash, failed_logins, locked_until FROM officer WHERE id = ?",
                    arguments: [id.rawValue])
            else { return nil }
            let locked: Double? = row["locked_until"]
            return Credentials(
                account: account, passwordHash: row["password_hash"], failedLogins: row["failed_logins"],
                lockedUntil: locked.map { Date(timeIntervalSince1970: $0) })
        }
    }

    /// What a login attempt found when it took its place, before any password was checked.
    public enum LoginReservation: Sendable {
        /// No such account: the caller answers as for a wrong password.
        case unknown
        /// Locked until then; nothing was checked or counted.
        case locked(until: Date)
        /// The attempt is counted as a failure already (and the lock set if it is one too many,
        /// in the credentials' `lockedUntil`): a right password gives it back with `recordLoginSuccess`.
        case reserved(Credentials)
    }

    /// Counts a login attempt as a failure and sets the lock it would earn, in one write
    /// transaction, before the password is checked: attempts sent together cannot all read the
    /// count before any of them writes it. `lockFor(n)`: how long the n-th failure in a row locks
    /// the account (nil: not at all).
    public func reserveLoginAttempt(_ id: OfficerID, at now: Date, lockFor: @Sendable (Int) -> TimeInterval?) throws -> LoginReservation {
        try pool.write { db in
            guard let account = try Officer.fetchOne(db, key: id.rawValue),
                let row = try Row.fetchOne(
                    db, sql: "SELECT password_hash, failed_logins, locked_until FROM officer WHERE id = ?",
                    arguments: [id.rawValue])
            else { return .unknown }
            let locked: Double? = row["locked_until"]
            if let locked, locked > now.timeIntervalSince1970 { return .locked(until: Date(timeIntervalSince1970: locked)) }
            let failures = (row["failed_logins"] as Int) + 1
            let lock = lockFor(failures).map { now.addingTimeInterval($0) }
            try db.execute(
                sql: "UPDATE officer SET failed_logins = ?, locked_until = ? WHERE id = ?",
                arguments: [failures, lock?.timeIntervalSince1970, id.rawValue])
            return .reserved(Credentials(account: account, passwordHash: row["password_hash"], failedLogins: failures, lockedUntil: lock))
        }
    }

    public func recordLoginSuccess(_ id: OfficerID) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE officer SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [id.rawValue])
        }
    }

    // MARK: Sessions

    public func createSession(_ session: StoredSession) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO session (id, account, csrf, created_at, expires_at, address) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    Self.sessionKey(session.id), session.account.rawValue, session.csrf, session.createdAt.timeIntervalSince1970,
                    session.expiresAt.timeIntervalSince1970, session.address,
                ])
        }
    }

    /// The session with this id and its account, if it has not expired and the account is active.
    public func session(_ id: String, at now: Date) throws -> (session: StoredSession, account: Officer)? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT account, csrf, created_at, expires_at, address FROM session WHERE id = ? AND expires_at > ?
                        """, arguments: [Self.sessionKey(id), now.timeIntervalSince1970]),
                let account = try Officer.fetchOne(db, key: row["account"] as String), account.active
            else { return nil }
            let session = StoredSession(
                id: id, account: account.id, csrf: row["csrf"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]),
                expiresAt: Date(timeIntervalSince1970: row["expires_at"]), address: row["address"])
            return (session, account)
        }
    }

    public func extendSession(_ id: String, until: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE session SET expires_at = ? WHERE id = ?", arguments: [until.timeIntervalSince1970, Self.sessionKey(id)])
        }
    }

    public func deleteSession(_ id: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [Self.sessionKey(id)]) }
    }

    /// What the session table holds for a cookie's id.
    static func sessionKey(_ id: String) -> String { SHA256.hex(id) }

    @discardableResult
    public func deleteExpiredSessions(at now: Date) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Audit log

    /// Stores an action that is not a queue event (an account changed, an export taken, a
    /// login) in the event log, as `audit.<action>`, with who did it. The queue never reads it back.
    public func recordAudit(action: String, actor: String, detail: String, at: Date, day: LocalDay) throws {
        let payload = String(decoding: try JSONEncoder().encode(["detail": detail]), as: UTF8.self)
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO event (at, day, kind, ticket_id, payload, actor) VALUES (?, ?, ?, NULL, ?, ?)",
                arguments: [at.timeIntervalSince1970, day.iso, "audit.\(action)", payload, actor])
        }
    }

    /// Everything people did over the pages or `kiosk account`, newest first, `limit` lines
    /// before `beforeSeq` (for the next page).
    public func auditLog(limit: Int, beforeSeq: Int64? = nil) throws -> [AuditEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, at, actor, kind, payload FROM event
                    WHERE actor IS NOT NULL AND seq < ? ORDER BY seq DESC LIMIT ?
                    """, arguments: [beforeSeq ?? Int64.max, limit]
            ).map { row in
                let kind: String = row["kind"]
                let payload: String = row["payload"]
                return AuditEntry(
                    seq: row["seq"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], action: kind,
                    detail: Self.auditDetail(kind: kind, payload: payload))
            }
        }
    }

    /// An audit action's own words, or a queue event told in one line.
    static func auditDetail(kind: String, payload: String) -> String {
        if kind.hasPrefix("audit."), let fields = try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8)) {
            return fields["detail"] ?? ""
        }
        guard let event = try? JSONDecoder().decode(QueueEvent.self, from: Data(payload.utf8)) else { return payload }
        return event.facts.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }
}

extension KioskDatabase {
    /// One officer's figures for the days `from`...`to`, as their counter page shows them:
    /// finished tickets, no-shows, mean service time, and their ratings through `RatingSteps`.
    public func officerFigures(_ officer: OfficerID, from: LocalDay, to: LocalDay, scaleSize: Int) throws -> OfficerFigures {
        let votes = try officerVotes(officer, from: RatingSteps.readFrom(from), to: to)
        let tickets = try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT SUM(status = 'finished'), SUM(status = 'noShow'),
                           AVG(CASE WHEN status = 'finished' AND called_at IS NOT NULL THEN finished_at - called_at END)
                    FROM ticket WHERE day BETWEEN ? AND ? AND officer = ?
                    """, arguments: [from.iso, to.iso, officer.rawValue])
        }
        return OfficerFigures(
            finished: tickets?[0] ?? 0, noShows: tickets?[1] ?? 0, meanServiceSeconds: tickets?[2],
            shown: RatingSteps.shown(votes, from: from, to: to).map(\.vote),
            waiting: RatingSteps.waiting(votes, to: to), scaleSize: scaleSize)
    }

    /// An officer's counted votes in the days `from`...`to`, oldest first: what `RatingSteps` reads.
    public func officerVotes(_ officer: OfficerID, from: LocalDay, to: LocalDay) throws -> [RatingSteps.Vote] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT rating.day, rating.level, rating.satisfied, ticket.status = 'finished', rating.reason_label
                    FROM rating LEFT JOIN ticket ON ticket.id = rating.ticket_id
                    WHERE rating.day BETWEEN ? AND ? AND rating.officer = ? AND rating.flag IS NULL ORDER BY rating.id
                    """, arguments: [from.iso, to.iso, officer.rawValue]
            ).compactMap { row in
                guard let day = LocalDay(iso: row[0]) else { return nil }
                return RatingSteps.Vote(day: day, level: row[1], satisfied: row[2], ticketFinished: row[3] ?? false, reasonLabel: row[4])
            }
        }
    }
}

extension KioskDatabase {
    /// The newest events of some kinds (the printer's last failures), newest first, told in words.
    public func recentEvents(kinds: [String], limit: Int) throws -> [AuditEntry] {
        try pool.read { db in
            let marks = kinds.map { _ in "?" }.joined(separator: ", ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, at, actor, kind, payload FROM event WHERE kind IN (\(marks)) ORDER BY seq DESC LIMIT ?
                    """, arguments: StatementArguments(kinds + [String(limit)])
            ).map { row in
                let kind: String = row["kind"]
                return AuditEntry(
                    seq: row["seq"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"] ?? "",
                    action: kind, detail: Self.auditDetail(kind: kind, payload: row["payload"]))
            }
        }
    }
}

extension KioskDatabase {
    /// One day's tickets per local hour: how many were issued, and their mean wait (seconds,
    /// issue to first call) for those called. `offsetSeconds`: the zone's offset from UTC that day.
    public func ticketsPerHour(day: LocalDay, offsetSeconds: Int) throws -> [(hour: Int, issued: Int, meanWait: Double?)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT (CAST(issued_at AS INTEGER) + ?) / 3600 % 24 AS hour, COUNT(*),
                           AVG(CASE WHEN called_at IS NOT NULL THEN called_at - issued_at END)
                    FROM ticket WHERE day = ? AND status != 'voided' GROUP BY hour ORDER BY hour
                    """, arguments: [offsetSeconds, day.iso]
            ).map { (hour: $0[0], issued: $0[1], meanWait: $0[2]) }
        }
    }
}
