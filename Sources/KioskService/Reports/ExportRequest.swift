import Foundation
import KioskCore
import KioskStore

/// One export, as `kiosk export` and `GET /api/export` both ask for it: the same parameters,
/// the same checks, the same bytes.
public struct ExportRequest: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case csv, json, xlsx }

    public var from: LocalDay
    public var to: LocalDay
    /// The named period `from` and `to` came from, if they did (`--period 2026-Q3`).
    public var period: ReportPeriod?
    public var by: ReportGrouping = .officer
    public var layout: SatisfactionReport.Layout = .full
    public var format: Format = .csv
    /// Raw rows instead of a summary.
    public var rows: RawExport.Kind?
    public var officer: OfficerID?
    public var counter: CounterNumber?
    public var service: ServiceCode?
    /// An officer reading their own figures: ratings through `RatingSteps`, no raw rows.
    /// Set by the pages for the officer role, never from a parameter.
    public var ownFigures = false

    public init(from: LocalDay, to: LocalDay) {
        self.from = from
        self.to = to
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Reads the parameters by name (a query string's), refusing unknown ones and bad values
    /// with the parameter named.
    public static func parse(_ parameters: [(String, String)]) -> Result<ExportRequest, Invalid> {
        var values: [String: String] = [:]
        let known = ["from", "to", "period", "by", "rows", "layout", "format", "officer", "counter", "service"]
        for (name, value) in parameters {
            guard known.contains(name) else {
                return .failure(Invalid(description: "unknown parameter \(name): use \(known.joined(separator: ", "))"))
            }
            guard values[name] == nil else { return .failure(Invalid(description: "parameter \(name) given twice")) }
            values[name] = value
        }
        var request: ExportRequest
        if let text = values["period"] {
            guard values["from"] == nil, values["to"] == nil else {
                return .failure(Invalid(description: "give period or from and to, not both"))
            }
            guard let period = ReportPeriod(text) else {
                return .failure(
                    Invalid(
                        description: "period: \(text) is not a period: use 2026-07 (a month), 2026-Q3, 2026-H1, 2026-H2, 2026-9M or 2026"))
            }
            request = ExportRequest(from: period.first, to: period.last)
            request.period = period
        } else {
            guard let fromText = values["from"], let from = LocalDay(iso: fromText) else {
                return .failure(Invalid(description: "from: give the first day as YYYY-MM-DD (or a period)"))
            }
            guard let toText = values["to"], let to = LocalDay(iso: toText) else {
                return .failure(Invalid(description: "to: give the last day as YYYY-MM-DD"))
            }
            request = ExportRequest(from: from, to: to)
        }
        func pick<T: RawRepresentable>(_ name: String, _ type: T.Type) -> Result<T?, Invalid> where T.RawValue == String {
            guard let text = values[name] else { return .success(nil) }
            guard let value = T(rawValue: text) else { return .failure(Invalid(description: "\(name): \(text) is not one of the choices")) }
            return .success(value)
        }
        do {
            if let by = try pick("by", ReportGrouping.self).get() { request.by = by }
            if let layout = try pick("layout", SatisfactionReport.Layout.self).get() { request.layout = layout }
            if let format = try pick("format", Format.self).get() { request.format = format }
            request.rows = try pick("rows", RawExport.Kind.self).get()
        } catch {
            return .failure(error)
        }
        if values["by"] != nil, values["rows"] != nil { return .failure(Invalid(description: "give by or rows, not both")) }
        request.officer = values["officer"].map { OfficerID($0) }
        if let text = values["counter"] {
            guard let n = Int(text), n > 0 else { return .failure(Invalid(description: "counter: \(text) is not a counter number")) }
            request.counter = CounterNumber(n)
        }
        request.service = values["service"].map { ServiceCode($0) }
        if let problem = request.problem { return .failure(Invalid(description: problem)) }
        return .success(request)
    }

    /// What is wrong with the combination, if anything.
    public var problem: String? {
        if from > to { return "from \(from.iso) is after to \(to.iso)" }
        if rows != nil, format == .xlsx { return "rows come as CSV or JSON: a year of rows is too big for a workbook" }
        if ownFigures, rows != nil { return "cán bộ không xem được dữ liệu từng phiếu (officers see aggregates, never rows)" }
        return nil
    }

    public var filter: ExportFilter { ExportFilter(from: from, to: to, officer: officer, counter: counter, service: service) }

    /// A file name that says what is in it: `bao-cao-officer-2026-07-01-2026-09-30.xlsx`,
    /// `bao-cao-officer-2026-Q3.xlsx`.
    public var fileName: String {
        let what = rows.map { "du-lieu-\($0.rawValue)" } ?? "bao-cao-\(by.rawValue)"
        return "\(what)-\(period.map(\.description) ?? "\(from.iso)-\(to.iso)").\(format.rawValue)"
    }

    public var contentType: String {
        switch format {
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// Writes the export to `out`. Raw rows stream from the database; a summary is built whole.
    public func write(database: KioskDatabase, config: KioskConfig, to out: FileHandle) throws {
        if let rows {
            guard !ownFigures else { throw Invalid(description: problem ?? "") }
            try RawExport.write(
                rows, as: format == .json ? .json : .csv, database: database, filter: filter,
                timeZone: config.timeZone, to: out)
            return
        }
        var report = try SatisfactionReport(database: database, config: config, filter: filter, by: by, ownFigures: ownFigures)
        report.period = period
        switch format {
        case .csv: out.write(report.csv(layout))
        case .json: out.write(try report.json())
        case .xlsx: out.write(XLSXWriter.workbook([report.sheet(.full, name: "Tổng hợp"), report.sheet(.filing, name: "Mẫu báo cáo")]))
        }
    }
}
