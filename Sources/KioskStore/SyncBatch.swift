import Foundation
import GRDB

/// A run of the event log for the province, with the ticket and rating rows those events
/// touched, read in one snapshot. The rows are this box's own projections, so the central
/// copy counts exactly as the box's export does; a row may already show a later event,
/// which a later batch then brings too (every such event names its ticket).
public struct SyncBatch: Sendable {
    public struct Event: Sendable, Equatable {
        public var seq: Int64, at: Double, day: String, kind: String, ticketID: Int64?, payload: String, actor: String?
    }

    public struct TicketRow: Sendable, Equatable {
        public var id: Int64, day: String, service: String, sequence: Int, number: Int, display: String, priority: Bool
        public var issuedAt: Double, status: String, counter: Int?, officer: String?, calledAt: Double?, finishedAt: Double?
        public var outcome: String?, recalls: Int, transfers: Int, reprints: Int, printState: String, printReason: String?, rated: Bool
    }

    public struct RatingRow: Sendable, Equatable {
        public var id: Int64, at: Double, day: String, counter: Int, ticketID: Int64?, service: String?, officer: String?
        public var level: Int, label: String, scaleSize: Int, satisfied: Bool, flag: String?, reason: Int?, reasonLabel: String?
    }

    public var events: [Event] = []
    public var tickets: [TicketRow] = []
    public var ratings: [RatingRow] = []

    /// The last event's sequence number: where the next batch starts.
    public var lastSeq: Int64? { events.last?.seq }
}

extension KioskDatabase {
    /// Up to `limit` events after `seq`, in order, with the rows they touched. A read
    /// transaction: the hall's writer never waits for it.
    public func syncBatch(after seq: Int64, limit: Int) throws -> SyncBatch {
        try pool.read { db in
            var batch = SyncBatch()
            let events = try Row.fetchCursor(
                db,
                sql: """
                    SELECT seq, at, day, kind, ticket_id, payload, actor FROM event WHERE seq > ? ORDER BY seq LIMIT ?
                    """, arguments: [seq, limit])
            while let r = try events.next() {
                batch.events.append(SyncBatch.Event(seq: r[0], at: r[1], day: r[2], kind: r[3], ticketID: r[4], payload: r[5], actor: r[6]))
            }
            guard let first = batch.events.first, let last = batch.events.last else { return batch }
            let touched = "SELECT DISTINCT ticket_id FROM event WHERE seq BETWEEN \(first.seq) AND \(last.seq) AND ticket_id IS NOT NULL"
            let tickets = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, day, service, sequence, number, display, priority, issued_at, status, counter, officer, called_at,
                           finished_at, outcome, recalls, transfers, reprints, print_state, print_reason, rated
                    FROM ticket WHERE id IN (\(touched)) ORDER BY id
                    """)
            while let r = try tickets.next() {
                batch.tickets.append(
                    SyncBatch.TicketRow(
                        id: r[0], day: r[1], service: r[2], sequence: r[3], number: r[4], display: r[5], priority: r[6], issuedAt: r[7],
                        status: r[8], counter: r[9], officer: r[10], calledAt: r[11], finishedAt: r[12], outcome: r[13], recalls: r[14],
                        transfers: r[15], reprints: r[16], printState: r[17], printReason: r[18], rated: r[19]))
            }
            // The touched tickets' ratings (a new vote, a replaced one, a reason), and the presses
            // that no ticket took, made in the batch's time (a rating's time is its event's).
            let ratings = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, at, day, counter, ticket_id, service, officer, level, label, scale_size, satisfied, flag, reason, reason_label
                    FROM rating WHERE ticket_id IN (\(touched))
                       OR (ticket_id IS NULL AND day BETWEEN ? AND ? AND at BETWEEN ? AND ?)
                    ORDER BY id
                    """, arguments: [first.day, last.day, first.at, last.at])
            while let r = try ratings.next() {
                batch.ratings.append(
                    SyncBatch.RatingRow(
                        id: r[0], at: r[1], day: r[2], counter: r[3], ticketID: r[4], service: r[5], officer: r[6], level: r[7],
                        label: r[8], scaleSize: r[9], satisfied: r[10], flag: r[11], reason: r[12], reasonLabel: r[13]))
            }
            return batch
        }
    }

    /// The newest event's sequence number and time (0 and nil on an empty log).
    public func lastEvent() throws -> (seq: Int64, at: Double?) {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT seq, at FROM event ORDER BY seq DESC LIMIT 1")
            return (row?[0] ?? 0, row?[1])
        }
    }

    /// The time of the first event after `seq`: how far behind a copy that has everything up to `seq` is.
    public func firstEventTime(after seq: Int64) throws -> Double? {
        try pool.read { db in try Double.fetchOne(db, sql: "SELECT at FROM event WHERE seq > ? ORDER BY seq LIMIT 1", arguments: [seq]) }
    }
}
