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
        try pool.read { db in
            let column = grouping.column
            var rows: [String: SatisfactionFigures] = [:]
            func blank() -> SatisfactionFigures { SatisfactionFigures(levelCounts: Array(repeating: 0, count: scaleSize), satisfiedCount: 0, finished: 0) }
            let ratings = try Row.fetchAll(db, sql: """
                SELECT CAST(\(column) AS TEXT) AS key, level, COUNT(*) AS n, SUM(satisfied) AS satisfied
                FROM rating WHERE flag IS NULL AND day BETWEEN ? AND ?
                GROUP BY key, level
                """, arguments: [from.iso, to.iso])
            for row in ratings {
                let key: String = row["key"] ?? ""
                let level: Int = row["level"]
                var figures = rows[key] ?? blank()
                while figures.levelCounts.count < level { figures.levelCounts.append(0) }
                figures.levelCounts[level - 1] += row["n"] as Int
                figures.satisfiedCount += row["satisfied"] as Int
                rows[key] = figures
            }
            let finished = try Row.fetchAll(db, sql: """
                SELECT CAST(\(column) AS TEXT) AS key, COUNT(*) AS n
                FROM ticket WHERE status = 'finished' AND day BETWEEN ? AND ?
                GROUP BY key
                """, arguments: [from.iso, to.iso])
            for row in finished {
                let key: String = row["key"] ?? ""
                var figures = rows[key] ?? blank()
                figures.finished = row["n"]
                rows[key] = figures
            }
            let times = try serviceTimes(db, column: column, from: from, to: to)
            for key in times.keys where rows[key] == nil { rows[key] = blank() }
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

    /// Waits, service times, no-shows and transfers per group. The 90th percentile reads the
    /// waits group by group in order, holding one group's waits at a time.
    private func serviceTimes(_ db: Database, column: String, from: LocalDay, to: LocalDay) throws -> [String: ServiceTimes] {
        var result: [String: ServiceTimes] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT CAST(\(column) AS TEXT) AS key,
                   COUNT(called_at) AS called,
                   SUM(status = 'noShow') AS noShows,
                   SUM(transfers) AS transfers,
                   AVG(called_at - issued_at) AS meanWait,
                   AVG(CASE WHEN status = 'finished' THEN finished_at - called_at END) AS meanService
            FROM ticket WHERE day BETWEEN ? AND ? AND \(column) IS NOT NULL
            GROUP BY key
            """, arguments: [from.iso, to.iso])
        // (A ticket nobody called has no officer or counter: it counts for its service and period only.)
        for row in rows {
            let key: String = row["key"] ?? ""
            result[key] = ServiceTimes(called: row["called"], noShows: row["noShows"] ?? 0, transfers: row["transfers"] ?? 0,
                                       meanWait: row["meanWait"], meanService: row["meanService"])
        }
        let waits = try Row.fetchCursor(db, sql: """
            SELECT CAST(\(column) AS TEXT) AS key, called_at - issued_at AS wait
            FROM ticket WHERE day BETWEEN ? AND ? AND called_at IS NOT NULL AND \(column) IS NOT NULL
            ORDER BY key, wait
            """, arguments: [from.iso, to.iso])
        var currentKey: String?
        var values: [Double] = []
        func close() {
            if let currentKey { result[currentKey]?.p90Wait = ServiceTimes.percentile(values, 0.9) }
        }
        while let row = try waits.next() {
            let key: String = row["key"] ?? ""
            if key != currentKey {
                close()
                currentKey = key
                values.removeAll(keepingCapacity: true)
            }
            values.append(row["wait"])
        }
        close()
        return result
    }
}
