import Foundation
import GRDB
import KioskCore

/// How a report groups its rows.
public enum ReportGrouping: String, CaseIterable, Sendable {
    case officer, counter, service, day, month, quarter, year

    /// The SQL for the group's key, in both the rating and the ticket tables.
    var column: String {
        switch self {
        case .officer, .counter, .service, .day: rawValue
        case .month: "substr(day, 1, 7)"
        case .quarter: "substr(day, 1, 4) || '-Q' || ((CAST(substr(day, 6, 2) AS INTEGER) + 2) / 3)"
        case .year: "substr(day, 1, 4)"
        }
    }
}

/// One row of a satisfaction report: the group's key (officer id, counter number, service
/// code or day) and its figures.
public struct SatisfactionRow: Hashable, Sendable {
    public var key: String
    public var figures: SatisfactionFigures
    public var times: ServiceTimes = ServiceTimes()
}

extension KioskDatabase {
    /// Counted ratings (flagged presses left out) and finished tickets per group, for the days
    /// from `from` to `to` inclusive. `scaleSize` is the number of level columns wanted.
    public func satisfaction(from: LocalDay, to: LocalDay, by grouping: ReportGrouping, scaleSize: Int) throws -> [SatisfactionRow] {
        try satisfaction(ExportFilter(from: from, to: to), by: grouping, scaleSize: scaleSize)
    }

    /// The same, for the tickets and ratings the filter takes (one officer, counter or service).
    public func satisfaction(_ filter: ExportFilter, by grouping: ReportGrouping, scaleSize: Int) throws -> [SatisfactionRow] {
        try pool.read { db in
            let column = grouping.column
            var rows: [String: SatisfactionFigures] = [:]
            let (ratingClause, ratingArguments) = filter.clause("rating")
            func blank() -> SatisfactionFigures { SatisfactionFigures(levelCounts: Array(repeating: 0, count: scaleSize), satisfiedCount: 0, finished: 0) }
            let ratings = try Row.fetchAll(db, sql: """
                SELECT CAST(\(column) AS TEXT) AS key, level, COUNT(*) AS n, SUM(satisfied) AS satisfied
                FROM rating WHERE flag IS NULL AND \(ratingClause)
                GROUP BY key, level
                """, arguments: ratingArguments)
            for row in ratings {
                let key: String = row["key"] ?? ""
                let level: Int = row["level"]
                var figures = rows[key] ?? blank()
                while figures.levelCounts.count < level { figures.levelCounts.append(0) }
                figures.levelCounts[level - 1] += row["n"] as Int
                figures.satisfiedCount += row["satisfied"] as Int
                rows[key] = figures
            }
            let (times, finished) = try serviceTimes(db, column: column, filter: filter)
            for key in times.keys where rows[key] == nil { rows[key] = blank() }
            for (key, count) in finished { rows[key]?.finished = count }
            let width = rows.values.map(\.levelCounts.count).max() ?? scaleSize
            return rows.map { key, figures in
                var padded = figures
                padded.levelCounts += Array(repeating: 0, count: width - figures.levelCounts.count)
                return SatisfactionRow(key: key, figures: padded, times: times[key] ?? ServiceTimes())
            }
            .sorted { a, b in
                // numbers (counters) in numeric order, everything else as text
                if let x = Int(a.key), let y = Int(b.key) { return x < y }
                return a.key < b.key
            }
        }
    }

    /// Waits, service times, no-shows, transfers and finished tickets per group, in one pass
    /// over the tickets; the 90th percentile sorts each group's waits in memory (8 bytes a ticket).
    private func serviceTimes(_ db: Database, column: String, filter: ExportFilter) throws -> ([String: ServiceTimes], [String: Int]) {
        let (clause, arguments) = filter.clause("ticket")
        struct Sums {
            var called = 0, noShows = 0, transfers = 0, finished = 0, served = 0
            var waitSum = 0.0, serviceSum = 0.0
            var waits: [Double] = []
        }
        var groups: [String: Sums] = [:]
        // A ticket nobody called has no officer or counter: it counts for its service and period only.
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT CAST(\(column) AS TEXT), status, transfers, called_at - issued_at, finished_at - called_at
            FROM ticket WHERE \(clause) AND \(column) IS NOT NULL
            """, arguments: arguments)
        while let row = try cursor.next() {
            let key: String = row[0]
            let status: String = row[1]
            // Updated in place: a copy of the group would copy its waits on every row.
            if groups[key] == nil { groups[key] = Sums() }
            groups[key]!.transfers += row[2] as Int
            if let wait = row[3] as Double? {
                groups[key]!.called += 1
                groups[key]!.waitSum += wait
                groups[key]!.waits.append(wait)
            }
            if status == "noShow" { groups[key]!.noShows += 1 }
            if status == "finished" {
                groups[key]!.finished += 1
                if let service = row[4] as Double? {
                    groups[key]!.served += 1
                    groups[key]!.serviceSum += service
                }
            }
        }
        var times: [String: ServiceTimes] = [:], finished: [String: Int] = [:]
        for (key, sums) in groups {
            times[key] = ServiceTimes(called: sums.called, noShows: sums.noShows, transfers: sums.transfers,
                                      meanWait: sums.called == 0 ? nil : sums.waitSum / Double(sums.called),
                                      p90Wait: ServiceTimes.percentile(sums.waits.sorted(), 0.9),
                                      meanService: sums.served == 0 ? nil : sums.serviceSum / Double(sums.served))
            finished[key] = sums.finished
        }
        return (times, finished)
    }
}
