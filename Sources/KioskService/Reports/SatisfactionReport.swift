import Foundation
import KioskCore
import KioskStore

/// A satisfaction report over a period, grouped by officer, counter, service or day, ready
/// to be written as CSV (for Excel) or JSON.
public struct SatisfactionReport: Sendable {
    public struct Row: Sendable, Equatable {
        /// Officer id, counter number, service code or day.
        public var key: String
        /// The officer's full name, the counter's or the service's name; empty for days.
        public var name: String
        public var figures: SatisfactionFigures
    }

    public var from: LocalDay
    public var to: LocalDay
    public var grouping: ReportGrouping
    public var levelLabels: [String]
    public var rows: [Row]

    public init(database: KioskDatabase, config: KioskConfig, from: LocalDay, to: LocalDay, by grouping: ReportGrouping) throws {
        self.from = from
        self.to = to
        self.grouping = grouping
        let scale = config.rules.ratingScale
        let found = try database.satisfaction(from: from, to: to, by: grouping, scaleSize: scale.count)
        let width = found.first?.figures.levelCounts.count ?? scale.count
        levelLabels = (1...max(width, scale.count)).map { scale.level($0)?.label ?? "Mức \($0)" }
        let officers = grouping == .officer ? Dictionary(uniqueKeysWithValues: try database.officers().map { ($0.id.rawValue, $0.name) }) : [:]
        rows = found.map { row in
            let name: String
            switch grouping {
            case .officer: name = officers[row.key] ?? (row.key.isEmpty ? "(không có cán bộ đăng nhập)" : "")
            case .counter: name = Int(row.key).flatMap { config.rules.counter(CounterNumber($0))?.name } ?? ""
            case .service: name = config.rules.service(ServiceCode(row.key))?.name ?? ""
            case .day: name = ""
            }
            return Row(key: row.key, name: name, figures: row.figures)
        }
    }

    var keyHeaders: [String] {
        switch grouping {
        case .officer: ["Mã cán bộ", "Họ và tên"]
        case .counter: ["Quầy", "Tên quầy"]
        case .service: ["Mã dịch vụ", "Dịch vụ"]
        case .day: ["Ngày"]
        }
    }

    /// UTF-8 with a byte-order mark and CRLF line ends, so that Excel opens the Vietnamese
    /// text correctly with a double click.
    public func csv() -> Data {
        var lines: [[String]] = [keyHeaders + levelLabels + ["Số lượt đánh giá", "Số phiếu đã phục vụ", "Tỷ lệ hài lòng (%)"]]
        for row in rows {
            let key = grouping == .day ? [row.key] : [row.key, row.name]
            lines.append(key + row.figures.levelCounts.map(String.init)
                         + [String(row.figures.rated), String(row.figures.finished), Self.percent(row.figures.satisfactionRate)])
        }
        let text = lines.map { $0.map(Self.csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }

    /// `66.7` for two thirds; empty when nothing was rated.
    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f", $0 * 100) } ?? ""
    }

    /// Quotes when needed; a cell that a spreadsheet would run as a formula is neutralised.
    static func csvCell(_ value: String) -> String {
        var cell = value
        if let first = cell.first, "=+-@\t\r".contains(first), Double(cell) == nil { cell = "'" + cell }
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            cell = "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return cell
    }

    public func json() throws -> Data {
        struct Document: Encodable {
            var from: String, to: String, by: String
            var levels: [String]
            var rows: [JSONRow]
        }
        struct JSONRow: Encodable {
            var key: String, name: String
            var levelCounts: [Int]
            var rated: Int, finished: Int
            var satisfactionRate: Double?
        }
        let document = Document(from: from.iso, to: to.iso, by: grouping.rawValue, levels: levelLabels, rows: rows.map {
            JSONRow(key: $0.key, name: $0.name, levelCounts: $0.figures.levelCounts, rated: $0.figures.rated,
                    finished: $0.figures.finished, satisfactionRate: $0.figures.satisfactionRate)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}
