import Foundation
import GRDB
import KioskCore

/// How a report groups its rows.
public enum ReportGrouping: String, CaseIterable, Sendable {
    case officer, counter, service, day

    /// The column that carries the group in both the rating and the ticket tables.
    var column: String { rawValue }
}

/// One row of a satisfaction report: the group's key (officer id, counter number, service
/// code or day) and its figures.
public struct SatisfactionRow: Hashable, Sendable {
    public var key: String
    public var figures: SatisfactionFigures
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
            let width = rows.values.map(\.levelCounts.count).max() ?? scaleSize
            return rows.map { key, figures in
                var padded = figures
                padded.levelCounts += Array(repeating: 0, count: width - figures.levelCounts.count)
                return SatisfactionRow(key: key, figures: padded)
            }
            .sorted { a, b in
                // numbers (counters) in numeric order, everything else as text
                if let x = Int(a.key), let y = Int(b.key) { return x < y }
                return a.key < b.key
            }
        }
    }
}
