import ArgumentParser
import Foundation
import KioskCore
import KioskService
import KioskStore

extension ReportGrouping: ExpressibleByArgument {}
extension SatisfactionReport.Layout: ExpressibleByArgument {}
extension RawExport.Kind: ExpressibleByArgument {}
extension ExportRequest.Format: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export satisfaction figures per officer, counter, service or day.")

    @OptionGroup var options: ConfigOption

    @Option(help: "First day, YYYY-MM-DD.")
    var from: String?

    @Option(help: "Last day (included), YYYY-MM-DD.")
    var to: String?

    @Option(
        help:
            "A named period instead of --from/--to: 2026-07 (a month), 2026-Q3 (a quarter), 2026-H1 or 2026-H2 (6 months), 2026-9M (January to September) or 2026 (the year)."
    )
    var period: String?

    @Option(help: "officer, counter, service, day, month, quarter or year.")
    var by: ReportGrouping = .officer

    @Option(help: "full (every figure) or filing (officer, total ratings, count and percentage per level).")
    var layout: SatisfactionReport.Layout = .full

    @Option(help: "csv (UTF-8 for Excel), xlsx (a workbook: the summary, then the filing form) or json.")
    var format: ExportRequest.Format = .csv

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @Option(
        help:
            "Raw rows instead of a summary: tickets (with all their times), ratings (with their flags) or dossiers (with their ticket's rating); CSV or JSON."
    )
    var rows: RawExport.Kind?

    @Option(help: "Only this officer's account.") var officer: String?
    @Option(help: "Only this counter.") var counter: Int?
    @Option(help: "Only this service's code.") var service: String?

    /// The same request `GET /api/export` takes, with its checks.
    var request: ExportRequest {
        get throws {
            var parameters = [("layout", layout.rawValue), ("format", format.rawValue)]
            if let from { parameters.append(("from", from)) }
            if let to { parameters.append(("to", to)) }
            if let period { parameters.append(("period", period)) }
            parameters.append(rows.map { ("rows", $0.rawValue) } ?? ("by", by.rawValue))
            if let officer { parameters.append(("officer", officer)) }
            if let counter { parameters.append(("counter", String(counter))) }
            if let service { parameters.append(("service", service)) }
            switch ExportRequest.parse(parameters) {
            case .success(let request): return request
            case .failure(let invalid): throw ValidationError(invalid.description)
            }
        }
    }

    func validate() throws {
        _ = try request
        if format == .xlsx, out == nil { throw ValidationError("xlsx is a file: give --out report.xlsx") }
    }

    func run() throws {
        let config = try loadConfig(options.config)
        let database = try KioskDatabase(path: config.databasePath)
        let handle: FileHandle
        if let out {
            // Opened in place, not replaced: `--out /dev/null` or a named pipe must stay what it is.
            let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ValidationError("cannot write \(out): \(String(cString: strerror(errno)))") }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        } else {
            handle = FileHandle.standardOutput
        }
        try request.write(database: database, config: config, to: handle)
    }
}
