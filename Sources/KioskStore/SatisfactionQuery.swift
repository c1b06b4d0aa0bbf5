import Foundation
import GRDB
import KioskCore
import Synchronization

/// How a report groups its rows.
public enum ReportGrouping: String, CaseIterable, Sendable {
    case officer, counter, service, day, month, quarter, year

    /// The SQL for the group's key, in both the rating and the ticket tables; the one
    /// definition for the box's SQLite and the province's PostgreSQL (`postgres`: a counter's
    /// key as text there, where the keys of one query must be of one type).
    public func column(postgres: Bool = false) -> String {
        switch self {
        case .counter: postgres ? "CAST(counter AS TEXT)" : "counter"
        case .officer, .service, .day: rawValue
        case .month: "substr(day, 1, 7)"
        case .quarter: "substr(day, 1, 4) || '-Q' || ((CAST(substr(day, 6, 2) AS INTEGER) + 2) / 3)"
        case .year: "substr(day, 1, 4)"
        }
    }

    /// The order of a report's rows, the box's and the province's: keys that are numbers
    /// (counters) in numeric order, everything else as text.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        return a < b
    }

    /// The same key for a day, as `column` gives it in SQL; nil for groupings that are not by time.
    public func key(of day: LocalDay) -> String? {
        switch self {
        case .officer, .counter, .service: nil
        case .day: day.iso
        case .month: String(day.iso.prefix(7))
        case .quarter: "\(day.year)-Q\((day.month + 2) / 3)"
        case .year: String(day.year)
        }
    }
}

/// One row of a satisfaction report: the group's key (officer id, counter number, service
/// code or day) and its figures.
public struct SatisfactionRow: Hashable, Sendable {
    public var key: String
    public var figures: SatisfactionFigures
    public var times: ServiceTimes = ServiceTimes()
    /// Counted ratings with a reason, per reason's words.
    public var reasonCounts: [String: Int] = [:]
}

extension KioskDatabase {
    /// Counted ratings (flagged presses left out) and finished tickets per group, for the days
    /// from `from` to `to` inclusive. `scaleSize` is the number of level columns wanted.
    public func satisfaction(from: LocalDay, to: LocalDay, by grouping: ReportGrouping, scaleSize: Int) throws -> [SatisfactionRow] {
        try satisfaction(ExportFilter(from: from, to: to), by: grouping, scaleSize: scaleSize)
    }

    /// The same, for the tickets and ratings the filter takes (one officer, counter or service).
    ///
    /// The period is read in slices of days, side by side on every core, and the slices'
    /// sums are merged (the 90th percentile from all their waits together). Each slice is its
    /// own read: a report made while the hall is open may see a ticket that one slice read
    /// before it was finished, never the same ticket twice.
    public func satisfaction(_ filter: ExportFilter, by grouping: ReportGrouping, scaleSize: Int) throws -> [SatisfactionRow] {
        let column = grouping.column()
        let slices = filter.slices(max(2, ProcessInfo.processInfo.activeProcessorCount * 2))
        let parts = Mutex<[Result<[String: GroupSums], Error>]>([])
        DispatchQueue.concurrentPerform(iterations: slices.count * 2) { job in
            let slice = slices[job / 2]
            let result = Result {
                try pool.read { db in
                    job % 2 == 0
                        ? try ratingSums(db, column: column, filter: slice, scaleSize: scaleSize)
                        : try ticketSums(db, column: column, filter: slice)
                }
            }
            parts.withLock { $0.append(result) }
        }
        var groups: [String: GroupSums] = [:]
        for part in parts.withLock({ $0 }) {
            for (key, sums) in try part.get() { groups[key, default: GroupSums()].add(sums) }
        }
        let width = max(scaleSize, groups.values.map(\.levelCounts.count).max() ?? 0)
        let reasons = try pool.read { db in try reasonCounts(db, column: column, filter: filter) }
        return groups.map { key, sums in
            var counts = sums.levelCounts
            counts += Array(repeating: 0, count: width - counts.count)
            let figures = SatisfactionFigures(
                levelCounts: counts, satisfiedCount: sums.satisfied, finished: sums.finished,
                ratedFinished: sums.ratedFinished)
            let times = ServiceTimes(
                called: sums.called, noShows: sums.noShows, transfers: sums.transfers,
                meanWait: sums.called == 0 ? nil : sums.waitSum / Double(sums.called),
                p90Wait: ServiceTimes.percentile(sums.waits.sorted(), 0.9),
                meanService: sums.served == 0 ? nil : sums.serviceSum / Double(sums.served))
            return SatisfactionRow(key: key, figures: figures, times: times, reasonCounts: reasons[key] ?? [:])
        }
        .sorted { ReportGrouping.precedes($0.key, $1.key) }
    }

    /// Counted ratings per group and level (flagged presses left out).
    private func ratingSums(_ db: Database, column: String, filter: ExportFilter, scaleSize: Int) throws -> [String: GroupSums] {
        let (clause, arguments) = filter.clause("rating")
        var groups: [String: GroupSums] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT CAST(\(column) AS TEXT), level, COUNT(*), SUM(satisfied)
                FROM rating WHERE flag IS NULL AND \(clause)
                GROUP BY 1, 2
                """, arguments: arguments)
        while let row = try rows.next() {
            let key: String = row[0] ?? ""
            let level: Int = row[1]
            groups[key, default: GroupSums(levels: scaleSize)].count(level: level, times: row[2], satisfied: row[3])
        }
        return groups
    }

    /// Counted ratings with a reason, per group and reason: few rows, from their own index.
    private func reasonCounts(_ db: Database, column: String, filter: ExportFilter) throws -> [String: [String: Int]] {
        let (clause, arguments) = filter.clause("rating")
        var groups: [String: [String: Int]] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT CAST(\(column) AS TEXT), reason_label, COUNT(*)
                FROM rating WHERE flag IS NULL AND reason IS NOT NULL AND \(clause)
                GROUP BY 1, 2
                """, arguments: arguments)
        while let row = try rows.next() {
            groups[row[0] ?? "", default: [:]][row[1] as String] = row[2]
        }
        return groups
    }

    /// Waits, service times, no-shows, transfers and finished tickets per group, in one pass
    /// over the tickets; the 90th percentile keeps each group's waits (8 bytes a ticket).
    private func ticketSums(_ db: Database, column: String, filter: ExportFilter) throws -> [String: GroupSums] {
        let (clause, arguments) = filter.clause("ticket")
        var groups: [String: GroupSums] = [:]
        // A ticket nobody called has no officer or counter: it counts for its service and period only.
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT CAST(\(column) AS TEXT), status, transfers, called_at - issued_at, finished_at - called_at, rated
                FROM ticket WHERE \(clause) AND \(column) IS NOT NULL
                """, arguments: arguments)
        while let row = try rows.next() {
            let status: String = row[1]
            // Updated in place: a copy of the group would copy its waits on every row.
            groups[row[0] as String, default: GroupSums()].count(
                status: status, transfers: row[2], wait: row[3], service: row[4],
                rated: row[5])
        }
        return groups
    }
}

/// The running sums of one group, from one slice of days or from all of them.
struct GroupSums {
    var levelCounts: [Int]
    var satisfied = 0
    var called = 0, noShows = 0, transfers = 0, finished = 0, ratedFinished = 0, served = 0
    var waitSum = 0.0, serviceSum = 0.0
    var waits: [Double] = []

    init(levels: Int = 0) {
        levelCounts = Array(repeating: 0, count: levels)
    }

    mutating func count(level: Int, times: Int, satisfied: Int) {
        while levelCounts.count < level { levelCounts.append(0) }
        levelCounts[level - 1] += times
        self.satisfied += satisfied
    }

    mutating func count(status: String, transfers: Int, wait: Double?, service: Double?, rated: Bool) {
        self.transfers += transfers
        if let wait {
            called += 1
            waitSum += wait
            waits.append(wait)
        }
        if status == "noShow" { noShows += 1 }
        if status == "finished" {
            finished += 1
            if rated { ratedFinished += 1 }
            if let service {
                served += 1
                serviceSum += service
            }
        }
    }

    mutating func add(_ other: GroupSums) {
        while levelCounts.count < other.levelCounts.count { levelCounts.append(0) }
        for (i, n) in other.levelCounts.enumerated() { levelCounts[i] += n }
        satisfied += other.satisfied
        called += other.called
        noShows += other.noShows
        transfers += other.transfers
        finished += other.finished
        ratedFinished += other.ratedFinished
        served += other.served
        waitSum += other.waitSum
        serviceSum += other.serviceSum
        waits += other.waits
    }
}

extension ExportFilter {
    /// The same filter over `count` consecutive runs of days covering the period (fewer
    /// when the period is shorter).
    func slices(_ count: Int) -> [ExportFilter] {
        let utc = TimeZone(secondsFromGMT: 0)!
        let first = Int(from.start(in: utc).timeIntervalSince1970 / 86400)
        let last = Int(to.start(in: utc).timeIntervalSince1970 / 86400)
        guard last >= first else { return [self] }
        let days = last - first + 1
        let parts = min(count, days)
        return (0..<parts).map { i in
            var slice = self
            let start = first + days * i / parts
            let end = first + days * (i + 1) / parts - 1
            slice.from = LocalDay(Date(timeIntervalSince1970: Double(start * 86400)), in: utc)
            slice.to = LocalDay(Date(timeIntervalSince1970: Double(end * 86400)), in: utc)
            return slice
        }
    }
}
