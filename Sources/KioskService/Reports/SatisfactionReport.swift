import Foundation
import KioskCore
import KioskStore

/// A satisfaction report over a period, grouped by officer, counter, service, day, month,
/// quarter or year, ready to be written as CSV (for Excel) or JSON.
public struct SatisfactionReport: Sendable {
    public struct Row: Sendable, Equatable {
        /// Officer id, counter number, service code, or the period (`2026-11-27`, `2026-11`, `2026-Q4`, `2026`).
        public var key: String
        /// The officer's full name, the counter's or the service's name; empty for periods.
        public var name: String
        public var figures: SatisfactionFigures
        public var times: ServiceTimes
        /// Counted ratings with a reason, per reason's words.
        public var reasonCounts: [String: Int] = [:]

        public init(key: String, name: String, figures: SatisfactionFigures, times: ServiceTimes, reasonCounts: [String: Int] = [:]) {
            self.key = key
            self.name = name
            self.figures = figures
            self.times = times
            self.reasonCounts = reasonCounts
        }
    }

    /// The columns: every figure, or the form centres file (officer, total ratings, then
    /// count and percentage per level).
    public enum Layout: String, Sendable, CaseIterable {
        case full
        case filing
    }

    public var from: LocalDay
    public var to: LocalDay
    /// The named period the days make, when the report was asked for by one.
    public var period: ReportPeriod?
    /// Whose report it is, when the title must say (the province's report of one centre).
    public var subject: String?
    public var grouping: ReportGrouping
    public var levelLabels: [String]
    /// The reasons' columns: the configured ones, then any others the period's ratings hold.
    public var reasonLabels: [String]
    public var rows: [Row]

    public init(database: KioskDatabase, config: KioskConfig, from: LocalDay, to: LocalDay, by grouping: ReportGrouping) throws {
        try self.init(database: database, config: config, filter: ExportFilter(from: from, to: to), by: grouping)
    }

    /// `ownFigures`: the report an officer reads of themself (the filter names them): their
    /// ratings through `RatingSteps`, grouped by time or as one row.
    public init(
        database: KioskDatabase, config: KioskConfig, filter: ExportFilter, by grouping: ReportGrouping,
        ownFigures: Bool = false
    ) throws {
        from = filter.from
        to = filter.to
        self.grouping = grouping
        let scale = config.rules.ratingScale
        var found = try database.satisfaction(filter, by: grouping, scaleSize: scale.count)
        if ownFigures {
            guard let officer = filter.officer, filter.counter == nil, filter.service == nil,
                [.officer, .month, .quarter, .year].contains(grouping)
            else {
                throw OwnFiguresError()
            }
            found = try Self.inWholeSteps(found, officer: officer, filter: filter, by: grouping, database: database)
        }
        let width = found.first?.figures.levelCounts.count ?? scale.count
        levelLabels = (1...max(width, scale.count)).map { scale.level($0)?.label ?? "Mức \($0)" }
        let officers =
            grouping == .officer ? Dictionary(uniqueKeysWithValues: try database.officers().map { ($0.id.rawValue, $0.name) }) : [:]
        rows = found.map { row in
            let name: String
            switch grouping {
            case .officer: name = officers[row.key] ?? (row.key.isEmpty ? "(không có cán bộ đăng nhập)" : "")
            case .counter: name = Int(row.key).flatMap { config.rules.counter(CounterNumber($0))?.name } ?? ""
            case .service: name = config.rules.service(ServiceCode(row.key))?.name ?? ""
            case .day, .month, .quarter, .year: name = ""
            }
            return Row(key: row.key, name: name, figures: row.figures, times: row.times, reasonCounts: row.reasonCounts)
        }
        let configured = config.rules.ratingReasons?.labels ?? []
        reasonLabels = configured + Set(rows.flatMap { $0.reasonCounts.keys }).subtracting(configured).sorted()
    }

    /// An officer's own report is one officer's figures grouped by time, nothing finer.
    public struct OwnFiguresError: Error, CustomStringConvertible {
        public var description: String {
            "cán bộ chỉ xem số liệu của mình theo tháng, quý hoặc năm (an officer sees their own figures by month, quarter or year)"
        }
    }

    /// The rows with their ratings replaced by the blocks of five the officer may see; the
    /// tickets' figures (finished, waits, no-shows) stay as they are.
    static func inWholeSteps(
        _ rows: [SatisfactionRow], officer: OfficerID, filter: ExportFilter, by grouping: ReportGrouping,
        database: KioskDatabase
    ) throws -> [SatisfactionRow] {
        let votes = try database.officerVotes(officer, from: RatingSteps.readFrom(filter.from), to: filter.to)
        var shown: [String: [RatingSteps.Vote]] = [:]
        for (vote, day) in RatingSteps.shown(votes, from: filter.from, to: filter.to) {
            shown[grouping.key(of: day) ?? officer.rawValue, default: []].append(vote)
        }
        return rows.map { row in
            var row = row
            let votes = shown[row.key] ?? []
            var levels = Array(repeating: 0, count: row.figures.levelCounts.count)
            for vote in votes where (1...levels.count).contains(vote.level) { levels[vote.level - 1] += 1 }
            row.figures = SatisfactionFigures(
                levelCounts: levels, satisfiedCount: votes.filter(\.satisfied).count,
                finished: row.figures.finished,
                ratedFinished: min(row.figures.finished, votes.filter(\.ticketFinished).count))
            row.reasonCounts = votes.reduce(into: [:]) { counts, vote in
                if let reason = vote.reasonLabel { counts[reason, default: 0] += 1 }
            }
            return row
        }
    }

    /// A report made elsewhere (the province's central database), written the same way.
    public init(from: LocalDay, to: LocalDay, grouping: ReportGrouping, levelLabels: [String], reasonLabels: [String], rows: [Row]) {
        self.from = from
        self.to = to
        self.grouping = grouping
        self.levelLabels = levelLabels
        self.reasonLabels = reasonLabels
        self.rows = rows
    }

    public var hasNames: Bool { [.officer, .counter, .service].contains(grouping) }

    public var keyHeaders: [String] {
        switch grouping {
        case .officer: ["Mã cán bộ", "Họ và tên"]
        case .counter: ["Quầy", "Tên quầy"]
        case .service: ["Mã dịch vụ", "Dịch vụ"]
        case .day: ["Ngày"]
        case .month: ["Tháng"]
        case .quarter: ["Quý"]
        case .year: ["Năm"]
        }
    }

    /// The table: header row, then one row per group.
    public func table(_ layout: Layout = .full) -> [[String]] {
        [keyHeaders + figureHeader(layout)] + rows.map { row in (hasNames ? [row.key, row.name] : [row.key]) + figureCells(row, layout) }
    }

    /// The figures' column names, after the group's key (the province's report puts its centre first).
    public func figureHeader(_ layout: Layout) -> [String] {
        switch layout {
        case .filing:
            ["Tổng số lượt đánh giá"] + levelLabels.flatMap { [$0, "\($0) (%)"] }
        case .full:
            levelLabels + levelLabels.map { "\($0) (%)" }
                + [
                    "Số lượt đánh giá", "Số phiếu đã phục vụ", "Số phiếu đã phục vụ được đánh giá", "Tỷ lệ hài lòng (%)",
                    "Tỷ lệ đánh giá (%)",
                    "Chờ trung bình (phút)", "Chờ P90 (phút)", "Phục vụ trung bình (phút)", "Vắng mặt", "Chuyển",
                ]
                + reasonLabels.map { "Lý do: \($0)" }
        }
    }

    /// One row's figures, in the columns of `figureHeader`.
    public func figureCells(_ row: Row, _ layout: Layout) -> [String] {
        let f = row.figures
        let t = row.times
        switch layout {
        case .filing:
            let shares = f.levelShares
            return [String(f.rated)] + f.levelCounts.indices.flatMap { i in [String(f.levelCounts[i]), Self.percent(shares?[i])] }
        case .full:
            return f.levelCounts.map(String.init) + (f.levelShares?.map { Self.percent($0) } ?? f.levelCounts.map { _ in "" })
                + [
                    String(f.rated), String(f.finished), String(f.ratedFinished), Self.percent(f.satisfactionRate),
                    Self.percent(f.responseRate),
                    Self.minutes(t.meanWait), Self.minutes(t.p90Wait), Self.minutes(t.meanService), String(t.noShows), String(t.transfers),
                ]
                + reasonLabels.map { String(row.reasonCounts[$0] ?? 0) }
        }
    }

    /// What the report is, as its first row says: "Báo cáo mức độ hài lòng theo cán bộ – Quý III
    /// năm 2026 (từ 01/07/2026 đến 30/09/2026)".
    public var title: String {
        let what: String =
            switch grouping {
            case .officer: "cán bộ"
            case .counter: "quầy"
            case .service: "dịch vụ"
            case .day: "ngày"
            case .month: "tháng"
            case .quarter: "quý"
            case .year: "năm"
            }
        let days = "từ \(from.vietnamese) đến \(to.vietnamese)"
        return "Báo cáo mức độ hài lòng theo \(what) – " + (period.map { "\($0.vietnameseName) (\(days))" } ?? days)
            + (subject.map { " – \($0)" } ?? "")
    }

    /// The title row, then the table, as a workbook sheet: the group's key and name are text,
    /// the figures numbers.
    public func sheet(_ layout: Layout, name: String) -> XLSXWriter.Sheet {
        XLSXWriter.Sheet(name: name, rows: [[title]] + table(layout), textColumns: Set(keyHeaders.indices))
    }

    /// The title row, then the table; UTF-8 with a byte-order mark and CRLF line ends, so
    /// that Excel opens the Vietnamese text correctly with a double click.
    public func csv(_ layout: Layout = .full) -> Data {
        let text = ([[title]] + table(layout)).map { $0.map(Self.csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }

    /// `66.7` for two thirds; empty when there is nothing to divide.
    public static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f", $0 * 100) } ?? ""
    }

    /// Seconds as minutes with one decimal.
    public static func minutes(_ seconds: Double?) -> String {
        seconds.map { String(format: "%.1f", $0 / 60) } ?? ""
    }

    /// A mean in seconds to the millisecond: sums added in another order (slices of days, the
    /// province's server) differ in their last bits, never in a millisecond.
    public static func milliseconds(_ seconds: Double?) -> Double? {
        seconds.map { ($0 * 1000).rounded() / 1000 }
    }

    /// Quotes when needed; a cell that a spreadsheet would run as a formula is neutralised.
    ///
    /// Not only at its first character: Excel on a Vietnamese Windows splits a CSV on `;`, some
    /// imports on tabs or `|`, and a quote or line break can end a cell early, so wherever one
    /// of these could start a new cell, a formula's first character (`= + - @`, after any
    /// spaces) gets a `'` before it: `x;=HYPERLINK(…)` is written `x;'=HYPERLINK(…)`.
    public static func csvCell(_ value: String) -> String {
        if isPlainCSV(value) { return value }
        var cell = ""
        var atCellStart = Double(value) == nil  // a number like -5 stays a number
        for character in value {
            if atCellStart, "=+-@".contains(character) { cell.append("'") }
            if atCellStart, character == " " {
                cell.append(character)
                continue
            }
            atCellStart = cellBreaks.contains(character)
            cell.append(character)
        }
        if cell.first.map({ "\t\r".contains($0) }) == true { cell = "'" + cell }
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            cell = "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return cell
    }

    /// Where a spreadsheet's import may start a new cell.
    private static let cellBreaks: Set<Character> = [",", ";", "\t", "|", "\"", "\n", "\r", "\r\n"]

    /// Most cells are plain (numbers, names, codes): no separator of any spreadsheet's, quote or
    /// line break, and no first character a spreadsheet would take for a formula. One look at the bytes.
    static func isPlainCSV(_ value: String) -> Bool {
        guard let first = value.utf8.first else { return true }
        return !"=+-@\t\r ".utf8.contains(first)
            && !value.utf8.contains(where: { ",;|\"\t\n\r".utf8.contains($0) })
    }

    /// A row's figures as every JSON report writes them (the box's and the province's): one
    /// definition of their names and rounding. Encoded into the row's own object, beside its keys.
    public struct JSONFigures: Encodable {
        var levelCounts: [Int]
        var rated: Int, finished: Int, ratedFinished: Int
        var satisfactionRate: Double?
        var responseRate: Double?
        var meanWaitSeconds: Double?, p90WaitSeconds: Double?, meanServiceSeconds: Double?
        var noShows: Int, transfers: Int
        var reasonCounts: [String: Int]

        public init(_ row: Row) {
            let (f, t) = (row.figures, row.times)
            (levelCounts, rated, finished, ratedFinished) = (f.levelCounts, f.rated, f.finished, f.ratedFinished)
            (satisfactionRate, responseRate) = (f.satisfactionRate, f.responseRate)
            meanWaitSeconds = SatisfactionReport.milliseconds(t.meanWait)
            p90WaitSeconds = t.p90Wait
            meanServiceSeconds = SatisfactionReport.milliseconds(t.meanService)
            (noShows, transfers, reasonCounts) = (t.noShows, t.transfers, row.reasonCounts)
        }
    }

    public func json() throws -> Data {
        struct Document: Encodable {
            var title: String, from: String, to: String, period: String?, by: String
            var levels: [String]
            var rows: [JSONRow]
        }
        struct JSONRow: Encodable {
            var key: String, name: String
            var figures: JSONFigures
            enum CodingKeys: String, CodingKey { case key, name }
            func encode(to encoder: any Encoder) throws {
                var keys = encoder.container(keyedBy: CodingKeys.self)
                try keys.encode(key, forKey: .key)
                try keys.encode(name, forKey: .name)
                try figures.encode(to: encoder)
            }
        }
        let document = Document(
            title: title, from: from.iso, to: to.iso, period: period?.description, by: grouping.rawValue, levels: levelLabels,
            rows: rows.map { JSONRow(key: $0.key, name: $0.name, figures: JSONFigures($0)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}
