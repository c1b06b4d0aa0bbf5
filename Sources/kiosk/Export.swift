import ArgumentParser
import Foundation
import KioskCore
import KioskService
import KioskStore

extension ReportGrouping: ExpressibleByArgument {}
extension SatisfactionReport.Layout: ExpressibleByArgument {}
extension RawExport.Kind: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export satisfaction figures per officer, counter, service or day.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json, xlsx }

    @OptionGroup var options: ConfigOption

    @Option(help: "First day, YYYY-MM-DD.")
    var from: String

    @Option(help: "Last day (included), YYYY-MM-DD.")
    var to: String

    @Option(help: "officer, counter, service, day, month, quarter or year.")
    var by: ReportGrouping = .officer

    @Option(help: "full (every figure) or filing (officer, total ratings, count and percentage per level).")
    var layout: SatisfactionReport.Layout = .full

    @Option(help: "csv (UTF-8 for Excel), xlsx (a workbook: the summary, then the filing form) or json.")
    var format: Format = .csv

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @Option(help: "Raw rows instead of a summary: tickets (with all their times) or ratings (with their flags); CSV or JSON.")
    var rows: RawExport.Kind?

    @Option(help: "Only this officer's account.") var officer: String?
    @Option(help: "Only this counter.") var counter: Int?
    @Option(help: "Only this service's code.") var service: String?

    func validate() throws {
        guard let first = LocalDay(iso: from) else { throw ValidationError("--from \(from) is not a day: write it as YYYY-MM-DD") }
        guard let last = LocalDay(iso: to) else { throw ValidationError("--to \(to) is not a day: write it as YYYY-MM-DD") }
        guard first <= last else { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() throws {
        let config = try loadConfig(options.config)
        let database = try KioskDatabase(path: config.databasePath)
        let filter = ExportFilter(from: LocalDay(iso: from)!, to: LocalDay(iso: to)!, officer: officer.map { OfficerID($0) },
                                  counter: counter.map { CounterNumber($0) }, service: service.map { ServiceCode($0) })
        if let rows {
            let rowFormat: RawExport.Format
            switch format {
            case .csv: rowFormat = .csv
            case .json: rowFormat = .json
            case .xlsx: throw ValidationError("--rows writes CSV or JSON: a year of rows is too big for a workbook")
            }
            let handle: FileHandle
            if let out {
                _ = FileManager.default.createFile(atPath: out, contents: nil)
                guard let opened = FileHandle(forWritingAtPath: out) else { throw ValidationError("cannot write \(out)") }
                handle = opened
            } else {
                handle = FileHandle.standardOutput
            }
            try RawExport.write(rows, as: rowFormat, database: database, filter: filter, timeZone: config.timeZone, to: handle)
            return
        }
        let report = try SatisfactionReport(database: database, config: config, filter: filter, by: by)
        let data: Data
        switch format {
        case .csv: data = report.csv(layout)
        case .json: data = try report.json()
        case .xlsx:
            guard out != nil else { throw ValidationError("xlsx is a file: give --out report.xlsx") }
            data = XLSXWriter.workbook([report.sheet(.full, name: "Tổng hợp"), report.sheet(.filing, name: "Mẫu báo cáo")])
        }
        if let out {
            try data.write(to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
