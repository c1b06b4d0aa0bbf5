import Foundation
import GRDB
import KioskCore

/// Which rows an export takes.
public struct ExportFilter: Sendable {
    public var from: LocalDay
    public var to: LocalDay
    public var officer: OfficerID?
    public var counter: CounterNumber?
    public var service: ServiceCode?

    public init(from: LocalDay, to: LocalDay, officer: OfficerID? = nil, counter: CounterNumber? = nil, service: ServiceCode? = nil) {
        self.from = from
        self.to = to
        self.officer = officer
        self.counter = counter
        self.service = service
    }

    /// The WHERE clause for a table with day, officer, counter and service columns.
    func clause(_ table: String) -> (String, StatementArguments) {
        var sql = "\(table).day BETWEEN ? AND ?"
        var arguments: StatementArguments = [from.iso, to.iso]
        if let officer {
            sql += " AND \(table).officer = ?"
            arguments += [officer.rawValue]
        }
        if let counter {
            sql += " AND \(table).counter = ?"
            arguments += [counter.rawValue]
        }
        if let service {
            sql += " AND \(table).service = ?"
            arguments += [service.rawValue]
        }
        return (sql, arguments)
    }
}

/// One ticket with all its times, as the raw export writes it.
public struct TicketExportRow: Sendable {
    public var id: Int64, day: String, service: String, number: String, priority: Bool, status: String
    public var counter: Int?, officer: String?
    public var issuedAt: Double, calledAt: Double?, finishedAt: Double?
    public var outcome: String?, recalls: Int, transfers: Int, printState: String, printReason: String?
    /// The dossiers it was served for, space-separated, in the order they were linked.
    public var dossiers: String?
}

/// A dossier with the ticket it was served on and that ticket's counted rating, if any: a
/// ticket's one vote counts for each of its dossiers.
public struct DossierExportRow: Sendable {
    public var code: String, ticket: String, officer: String?, counter: Int, service: String, at: Double
    public var level: Int?, label: String?, reason: String?
}

/// One rating press with its links and flag.
public struct RatingExportRow: Sendable {
    public var id: Int64, day: String, at: Double, counter: Int, ticket: String?, service: String?, officer: String?
    public var level: Int, label: String, scaleSize: Int, satisfied: Bool, flag: String?
    /// The reason given after the press, in its words at the time.
    public var reason: String?
    /// The dossiers of the ticket it rated, space-separated.
    public var dossiers: String?
}

extension KioskDatabase {
    /// Every ticket the filter takes, in order, one at a time: memory stays flat however many.
    public func forEachTicket(_ filter: ExportFilter, _ body: (TicketExportRow) throws -> Void) throws {
        try pool.read { db in
            let (clause, arguments) = filter.clause("ticket")
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, day, service, display, priority, status, counter, officer, issued_at, called_at, finished_at,
                           outcome, recalls, transfers, print_state, print_reason,
                           (SELECT group_concat(code, ' ') FROM (SELECT code FROM dossier WHERE dossier.ticket_id = ticket.id ORDER BY dossier.id))
                    FROM ticket WHERE \(clause) ORDER BY id
                    """, arguments: arguments)
            while let r = try cursor.next() {
                try body(
                    TicketExportRow(
                        id: r[0], day: r[1], service: r[2], number: r[3], priority: r[4], status: r[5], counter: r[6],
                        officer: r[7], issuedAt: r[8], calledAt: r[9], finishedAt: r[10], outcome: r[11],
                        recalls: r[12], transfers: r[13], printState: r[14], printReason: r[15], dossiers: r[16]))
            }
        }
    }

    /// Every rating press the filter takes, flagged ones included, in order.
    public func forEachRating(_ filter: ExportFilter, _ body: (RatingExportRow) throws -> Void) throws {
        try pool.read { db in
            let (clause, arguments) = filter.clause("rating")
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT rating.id, rating.day, rating.at, rating.counter, ticket.display, rating.service, rating.officer,
                           rating.level, rating.label, rating.scale_size, rating.satisfied, rating.flag, rating.reason_label,
                           (SELECT group_concat(code, ' ') FROM (SELECT code FROM dossier WHERE dossier.ticket_id = rating.ticket_id ORDER BY dossier.id))
                    FROM rating LEFT JOIN ticket ON ticket.id = rating.ticket_id
                    WHERE \(clause) ORDER BY rating.id
                    """, arguments: arguments)
            while let r = try cursor.next() {
                try body(
                    RatingExportRow(
                        id: r[0], day: r[1], at: r[2], counter: r[3], ticket: r[4], service: r[5], officer: r[6],
                        level: r[7], label: r[8], scaleSize: r[9], satisfied: r[10], flag: r[11], reason: r[12],
                        dossiers: r[13]))
            }
        }
    }

    /// Every dossier linked on the days (and to the officer, counter, service) the filter
    /// takes, with its ticket and that ticket's counted rating, in the order they were linked.
    public func forEachDossier(_ filter: ExportFilter, _ body: (DossierExportRow) throws -> Void) throws {
        try pool.read { db in
            let (clause, arguments) = filter.clause("ticket")
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT dossier.code, ticket.display, ticket.officer, dossier.counter, ticket.service, dossier.at,
                           rating.level, rating.label, rating.reason_label
                    FROM dossier JOIN ticket ON ticket.id = dossier.ticket_id
                    LEFT JOIN rating ON rating.ticket_id = dossier.ticket_id AND rating.flag IS NULL
                    WHERE \(clause) ORDER BY dossier.id
                    """, arguments: arguments)
            while let r = try cursor.next() {
                try body(
                    DossierExportRow(
                        code: r[0], ticket: r[1], officer: r[2], counter: r[3], service: r[4], at: r[5],
                        level: r[6], label: r[7], reason: r[8]))
            }
        }
    }
}
