import Foundation
import KioskCore
import KioskService
import KioskStore
import Logging
import PostgresNIO

/// How the province's report groups its rows: by centre, or by officer, counter or service
/// within their centre, or by period (the province as a whole, or one centre's).
public enum ProvinceGrouping: String, CaseIterable, Sendable {
    case centre, officer, counter, service, day, month, quarter, year

    /// The box's grouping of the same name (a centre's rows are written as its own export writes them).
    var local: ReportGrouping? { ReportGrouping(rawValue: rawValue) }

    /// Officers, counters and services belong to a centre: their rows are per centre.
    var perCentre: Bool { self == .centre || self == .officer || self == .counter || self == .service }

    /// The SQL for the group's key: the box's own (`ReportGrouping.column`); a centre's rows have none.
    var column: String { local?.column(postgres: true) ?? "''" }
}

/// The province's satisfaction report, from the central database, with the box's formulas:
/// the same sums per group (counted ratings per level; waits, nearest-rank 90th percentile,
/// service times, no-shows, transfers, finished and rated tickets), the same rates from
/// them (`SatisfactionFigures`), the same columns. For one centre (`centre`), the rows are
/// that box's own `kiosk export`.
public struct ProvinceReport: Sendable {
    public struct Row: Sendable {
        public var centre: String
        public var centreName: String
        public var row: SatisfactionReport.Row
        /// The place in the ranking (with `rank`).
        public var rank: Int?
    }

    public var from: LocalDay
    public var to: LocalDay
    public var period: ReportPeriod?
    public var grouping: ProvinceGrouping
    /// Only this centre's rows (its code).
    public var centre: String?
    public var centreName: String?
    public var levelLabels: [String]
    public var reasonLabels: [String]
    public var rows: [Row]
    public var ranked = false

    /// `alongside`: a second connection, for the ratings' queries while the tickets' runs.
    public static func load(
        _ connection: PostgresConnection, alongside: PostgresConnection? = nil, from: LocalDay, to: LocalDay,
        by grouping: ProvinceGrouping, centre: String? = nil, rank: Bool = false, logger: Logger
    ) async throws -> ProvinceReport {
        let centres = try await connection.fetch(
            "SELECT code, name, level_labels, reason_labels FROM centre ORDER BY code", as: (String, String, [String], [String]).self,
            logger: logger)
        let chosen = centres.filter { centre == nil || $0.0 == centre }
        if let centre, chosen.isEmpty { throw CentralError("no centre \(centre) has reported to the province") }
        let names = Dictionary(uniqueKeysWithValues: centres.map { ($0.0, $0.1) })

        let perCentre = grouping.perCentre
        let centreColumn = perCentre ? "centre" : "''"
        let column = grouping.column
        var whereClause = "day BETWEEN $1 AND $2"
        var bindings = PostgresBindings()
        bindings.append(from.iso)
        bindings.append(to.iso)
        if let centre {
            whereClause += " AND centre = $3"
            bindings.append(centre)
        }

        // Tickets: a ticket nobody called has no officer or counter, and counts for its service and period only.
        let ticketSQL = """
            SELECT \(centreColumn), \(column), count(called_at), coalesce(sum(called_at - issued_at), 0),
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY called_at - issued_at),
                   count(*) FILTER (WHERE status = 'noShow'), coalesce(sum(transfers), 0)::bigint,
                   count(*) FILTER (WHERE status = 'finished'), count(*) FILTER (WHERE status = 'finished' AND rated),
                   count(finished_at - called_at) FILTER (WHERE status = 'finished'),
                   coalesce(sum(finished_at - called_at) FILTER (WHERE status = 'finished'), 0)
            FROM ticket WHERE \(whereClause) AND \(column) IS NOT NULL
            GROUP BY 1, 2
            """
        // Counted ratings per level (flagged presses left out), and their reasons.
        let ratingSQL = """
            SELECT \(centreColumn), coalesce(\(column), ''), level, count(*), count(*) FILTER (WHERE satisfied)
            FROM rating WHERE flag IS NULL AND \(whereClause)
            GROUP BY 1, 2, 3
            """
        let reasonSQL = """
            SELECT \(centreColumn), coalesce(\(column), ''), reason_label, count(*)
            FROM rating WHERE flag IS NULL AND reason IS NOT NULL AND \(whereClause)
            GROUP BY 1, 2, 3
            """
        // The tickets on one connection, the ratings on the other at the same time: a year of a
        // province is two scans of millions of rows, and the server has more than one core.
        let ratingConnection = alongside ?? connection
        async let ratingRows = ratingConnection.fetch(
            PostgresQuery(unsafeSQL: ratingSQL, binds: bindings),
            as: (String, String, Int, Int, Int).self, logger: logger)
        let ticketRows = try await connection.fetch(
            PostgresQuery(unsafeSQL: ticketSQL, binds: bindings),
            as: (String, String, Int, Double, Double?, Int, Int, Int, Int, Int, Double).self, logger: logger)
        let levels = try await ratingRows
        let reasonRows = try await ratingConnection.fetch(
            PostgresQuery(unsafeSQL: reasonSQL, binds: bindings),
            as: (String, String, String?, Int).self, logger: logger)

        var sums: [GroupKey: Sums] = [:]
        for (c, k, called, waitSum, p90, noShows, transfers, finished, ratedFinished, served, serviceSum) in ticketRows {
            let key = GroupKey(centre: c, key: k)
            sums[key, default: Sums()].times = ServiceTimes(
                called: called, noShows: noShows, transfers: transfers, meanWait: called == 0 ? nil : waitSum / Double(called),
                p90Wait: p90, meanService: served == 0 ? nil : serviceSum / Double(served))
            sums[key]!.finished = finished
            sums[key]!.ratedFinished = ratedFinished
        }
        for (c, k, level, count, satisfied) in levels where level >= 1 {
            sums[GroupKey(centre: c, key: k), default: Sums()].count(level: level, times: count, satisfied: satisfied)
        }
        for (c, k, label, count) in reasonRows {
            sums[GroupKey(centre: c, key: k), default: Sums()].reasons[label ?? "", default: 0] += count
        }
        if grouping == .centre {
            // Every centre has its row, a silent one too: the province sees who is missing.
            for c in chosen where sums[GroupKey(centre: c.0, key: "")] == nil { sums[GroupKey(centre: c.0, key: "")] = Sums() }
        }

        // The words: the (one) centre's scale and reasons, as its box has them.
        let scale = chosen.map(\.2).first { !$0.isEmpty } ?? []
        let width = max(scale.count, sums.values.map(\.levelCounts.count).max() ?? 0)
        let levelLabels = (0..<width).map { $0 < scale.count ? scale[$0] : "Mức \($0 + 1)" }
        let configured = chosen.map(\.3).first { !$0.isEmpty } ?? []
        let found = Set(sums.values.flatMap(\.reasons.keys))
        let reasonLabels = configured + found.subtracting(configured).sorted()

        let keyNames = try await Self.names(connection, grouping: grouping, centre: centre, logger: logger)
        var rows = sums.map { key, s in
            var counts = s.levelCounts
            counts += Array(repeating: 0, count: width - counts.count)
            let figures = SatisfactionFigures(
                levelCounts: counts, satisfiedCount: s.satisfied, finished: s.finished, ratedFinished: s.ratedFinished)
            let name: String
            switch grouping {
            case .officer: name = keyNames[key] ?? (key.key.isEmpty ? "(không có cán bộ đăng nhập)" : "")
            case .counter, .service: name = keyNames[key] ?? ""
            case .centre: name = names[key.centre] ?? ""
            default: name = ""
            }
            return Row(
                centre: key.centre, centreName: names[key.centre] ?? "",
                row: SatisfactionReport.Row(
                    key: grouping == .centre ? key.centre : key.key, name: name, figures: figures,
                    times: s.times, reasonCounts: s.reasons))
        }
        rows.sort { a, b in
            if a.centre != b.centre { return a.centre < b.centre }
            return ReportGrouping.precedes(a.row.key, b.row.key)
        }
        var report = ProvinceReport(
            from: from, to: to, grouping: grouping, centre: centre, centreName: centre.flatMap { names[$0] },
            levelLabels: levelLabels, reasonLabels: reasonLabels, rows: rows)
        if rank, grouping == .centre { report.rank() }
        return report
    }

    /// Orders the centres by satisfaction rate, the one with more rated tickets first when two
    /// rates are equal; a centre without ratings comes last, unranked.
    mutating func rank() {
        rows.sort { a, b in
            let x = a.row.figures.satisfactionRate ?? -1
            let y = b.row.figures.satisfactionRate ?? -1
            if x != y { return x > y }
            if a.row.figures.rated != b.row.figures.rated { return a.row.figures.rated > b.row.figures.rated }
            return a.centre < b.centre
        }
        var place = 0
        for i in rows.indices {
            guard rows[i].row.figures.satisfactionRate != nil else { continue }
            let tied =
                i > 0 && rows[i - 1].row.figures.satisfactionRate == rows[i].row.figures.satisfactionRate
                && rows[i - 1].row.figures.rated == rows[i].row.figures.rated
            if !tied { place = i + 1 }
            rows[i].rank = place
        }
        ranked = true
    }

    private static func names(
        _ connection: PostgresConnection, grouping: ProvinceGrouping, centre: String?,
        logger: Logger
    ) async throws -> [GroupKey: String] {
        let sql: String
        switch grouping {
        case .officer: sql = "SELECT centre, id, name FROM officer"
        case .service: sql = "SELECT centre, code, name FROM service"
        case .counter: sql = "SELECT centre, number::text, name FROM counter"
        default: return [:]
        }
        var names: [GroupKey: String] = [:]
        for (c, k, name) in try await connection.fetch(PostgresQuery(unsafeSQL: sql), as: (String, String, String).self, logger: logger) {
            names[GroupKey(centre: c, key: k)] = name
        }
        return names
    }

    // MARK: Writing

    /// One centre's report, exactly as its box writes it (the title names the centre).
    public var local: SatisfactionReport? {
        guard centre != nil, let grouping = grouping.local else { return nil }
        var report = SatisfactionReport(
            from: from, to: to, grouping: grouping, levelLabels: levelLabels, reasonLabels: reasonLabels,
            rows: rows.map(\.row))
        report.period = period
        report.subject = centreName.map { $0.isEmpty ? centre! : $0 } ?? centre
        return report
    }

    /// The box's writer for the figures' columns.
    var figures: SatisfactionReport {
        var report = SatisfactionReport(
            from: from, to: to, grouping: grouping.local ?? .service, levelLabels: levelLabels,
            reasonLabels: reasonLabels, rows: [])
        report.period = period
        return report
    }

    public var title: String {
        if let local { return local.title }
        if grouping == .centre {
            let days = "từ \(from.vietnamese) đến \(to.vietnamese)"
            return (ranked ? "Xếp hạng các đơn vị theo mức độ hài lòng – " : "Báo cáo mức độ hài lòng theo đơn vị – ")
                + (period.map { "\($0.vietnameseName) (\(days))" } ?? days)
        }
        var report = figures
        report.subject = "toàn tỉnh"
        return report.title
    }

    var keyHeaders: [String] {
        let centreHeaders = ["Mã đơn vị", "Đơn vị"]
        let rank = ranked ? ["Hạng"] : []
        switch grouping {
        case .centre: return rank + centreHeaders
        case .officer, .counter, .service: return centreHeaders + figures.keyHeaders
        default: return figures.keyHeaders
        }
    }

    public func table(_ layout: SatisfactionReport.Layout = .full) -> [[String]] {
        if let local { return local.table(layout) }
        let writer = figures
        return [keyHeaders + writer.figureHeader(layout)]
            + rows.map { r in
                let key: [String]
                switch grouping {
                case .centre: key = (ranked ? [r.rank.map(String.init) ?? ""] : []) + [r.centre, r.centreName]
                case .officer, .counter, .service: key = [r.centre, r.centreName, r.row.key, r.row.name]
                default: key = [r.row.key]
                }
                return key + writer.figureCells(r.row, layout)
            }
    }

    public func csv(_ layout: SatisfactionReport.Layout = .full) -> Data {
        if let local { return local.csv(layout) }
        let text =
            ([[title]] + table(layout)).map { $0.map(SatisfactionReport.csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }

    public func xlsx() -> Data {
        let keyColumns = Set(keyHeaders.indices).subtracting(ranked ? [0] : [])
        func sheet(_ layout: SatisfactionReport.Layout, _ name: String) -> XLSXWriter.Sheet {
            if let local { return local.sheet(layout, name: name) }
            return XLSXWriter.Sheet(name: name, rows: [[title]] + table(layout), textColumns: keyColumns)
        }
        return XLSXWriter.workbook([sheet(.full, "Tổng hợp"), sheet(.filing, "Mẫu báo cáo")])
    }

    public func json() throws -> Data {
        if let local { return try local.json() }
        struct Document: Encodable {
            var title: String, from: String, to: String, period: String?, by: String, ranked: Bool
            var levels: [String]
            var rows: [JSONRow]
        }
        struct JSONRow: Encodable {
            var rank: Int?
            var centre: String, centreName: String
            var key: String?, name: String?
            /// The box's own fields, names and rounding.
            var figures: SatisfactionReport.JSONFigures
            enum CodingKeys: String, CodingKey { case rank, centre, centreName, key, name }
            func encode(to encoder: any Encoder) throws {
                var keys = encoder.container(keyedBy: CodingKeys.self)
                try keys.encodeIfPresent(rank, forKey: .rank)
                try keys.encode(centre, forKey: .centre)
                try keys.encode(centreName, forKey: .centreName)
                try keys.encodeIfPresent(key, forKey: .key)
                try keys.encodeIfPresent(name, forKey: .name)
                try figures.encode(to: encoder)
            }
        }
        let document = Document(
            title: title, from: from.iso, to: to.iso, period: period?.description, by: grouping.rawValue, ranked: ranked,
            levels: levelLabels,
            rows: rows.map { r in
                let keyed = grouping != .centre
                return JSONRow(
                    rank: r.rank, centre: r.centre, centreName: r.centreName, key: keyed ? r.row.key : nil,
                    name: keyed && !r.row.name.isEmpty ? r.row.name : nil, figures: SatisfactionReport.JSONFigures(r.row))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}

struct GroupKey: Hashable {
    var centre: String
    var key: String
}

/// One group's sums from the central tables.
struct Sums {
    var levelCounts: [Int] = []
    var satisfied = 0
    var finished = 0, ratedFinished = 0
    var times = ServiceTimes()
    var reasons: [String: Int] = [:]

    mutating func count(level: Int, times: Int, satisfied: Int) {
        while levelCounts.count < level { levelCounts.append(0) }
        levelCounts[level - 1] += times
        self.satisfied += satisfied
    }
}
