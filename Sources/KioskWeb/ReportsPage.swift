import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskRuntime
import KioskService
import KioskStore
import Logging

/// `/reports` (a period and a grouping, the table, downloads) and `GET /api/export` (the
/// CLI's parameters, the CLI's bytes). Leaders and admins see everything; an officer sees their
/// own figures by month, quarter or year, their ratings in whole blocks of five (`RatingSteps`),
/// never a row.
enum ReportsPage {
    /// The request as the signed-in account may have it, or why not.
    static func allowed(_ request: ExportRequest, for who: SignedIn) -> Result<ExportRequest, Denied> {
        if who.account.role.may(.readAllReports) { return .success(request) }
        var own = request
        if let officer = request.officer, officer != who.account.id {
            return .failure(Denied("cán bộ chỉ xem được số liệu của mình (an officer sees their own figures only)"))
        }
        own.officer = who.account.id
        own.ownFigures = true
        if request.rows != nil {
            return .failure(Denied("cán bộ không xem được dữ liệu từng phiếu hay từng lượt đánh giá (officers see aggregates, never rows)"))
        }
        if request.counter != nil || request.service != nil || ![ReportGrouping.officer, .month, .quarter, .year].contains(request.by) {
            return .failure(Denied("cán bộ xem theo tháng, quý hoặc năm (officers group by month, quarter or year)"))
        }
        return .success(own)
    }

    struct ExportFileError: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot write the export's temporary file \(path)" }
    }

    struct Denied: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func register(on router: Router<KioskRequestContext>, daemon: KioskDaemon, accounts: AccountService, logger: Logger) {
        router.staff(.readOwnFigures, .api, accounts: accounts).get("/api/export") { request, context in
            let who = context.who
            let parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            let wanted: ExportRequest
            switch ExportRequest.parse(parameters) {
            case .success(let parsed): wanted = parsed
            case .failure(let invalid): return WebServer.problem(.badRequest, invalid.description)
            }
            let export: ExportRequest
            switch allowed(wanted, for: who) {
            case .success(let ok): export = ok
            case .failure(let denied): return WebServer.problem(.forbidden, denied.reason)
            }
            try await accounts.audit("exportDownloaded", actor: who.account.id.rawValue, detail: request.uri.query ?? "")
            let file = try await write(export, daemon: daemon)
            return Response(
                status: .ok,
                headers: [
                    .contentType: export.contentType,
                    .contentDisposition: "attachment; filename=\"\(export.fileName)\"",
                    .cacheControl: "no-store",
                ],
                body: ResponseBody { writer in
                    defer { unlink(file) }
                    guard let handle = FileHandle(forReadingAtPath: file) else { return }
                    defer { try? handle.close() }
                    while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                    try await writer.finish(nil)
                })
        }

        router.staff(.readOwnFigures, .page, accounts: accounts).get("/reports") { request, context in
            let who = context.who
            let today = LocalDay(Date(), in: daemon.config.timeZone)
            // "Tự chọn" sends an empty period: the two dates count then.
            var parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
                .filter { !($0.0 == "period" && $0.1.isEmpty) }
            if parameters.isEmpty {
                parameters = [
                    ("from", LocalDay(year: today.year, month: today.month, day: 1).iso), ("to", today.iso),
                    ("by", who.account.role.may(.readAllReports) ? "officer" : "month"),
                ]
            }
            var table = ""
            var query = ""
            // The days shown: a named period's own, greyed out.
            var days = (from: "", to: "")
            switch ExportRequest.parse(parameters) {
            case .failure(let invalid):
                table = "<p class=\"error\">\(StaffPage.escape(invalid.description))</p>"
            case .success(let wanted):
                days = (wanted.from.iso, wanted.to.iso)
                switch allowed(wanted, for: who) {
                case .failure(let denied): table = "<p class=\"error\">\(StaffPage.escape(denied.reason))</p>"
                case .success(let export):
                    var report = try await PageWork.run(on: PageWork.reports) {
                        try SatisfactionReport(
                            database: daemon.database, config: daemon.config, filter: export.filter, by: export.by,
                            ownFigures: export.ownFigures)
                    }
                    report.period = export.period
                    table = "<h2>\(StaffPage.escape(report.title))</h2>" + html(report.table(.full))
                    query =
                        (export.period.map { "period=\($0)" } ?? "from=\(export.from.iso)&to=\(export.to.iso)")
                        + "&by=\(export.by.rawValue)"
                        + (wanted.officer.map { "&officer=\($0.rawValue)" } ?? "")
                }
            }
            let downloads =
                query.isEmpty
                ? ""
                : """
                <p>Tải về:
                <a href="/api/export?\(StaffPage.escape(query))&format=xlsx">Excel (XLSX)</a> ·
                <a href="/api/export?\(StaffPage.escape(query))&format=csv">CSV</a> ·
                <a href="/api/export?\(StaffPage.escape(query))&format=json">JSON</a> ·
                <a href="/api/export?\(StaffPage.escape(query))&format=csv&layout=filing">Mẫu báo cáo (CSV)</a></p>
                """
            let value = { (name: String) in parameters.first { $0.0 == name }?.1 ?? "" }
            let groupings = (who.account.role.may(.readAllReports) ? ReportGrouping.allCases : [.officer, .month, .quarter, .year])
                .map { "<option value=\"\($0.rawValue)\"\(value("by") == $0.rawValue ? " selected" : "")>\(title($0))</option>" }
                .joined()
            // The periods provinces ask for, this year's and last year's; "Tự chọn" sends the two dates.
            let named = [today.year, today.year - 1].flatMap { year in
                [
                    ReportPeriod(year: year, span: .month(year == today.year ? today.month : 12)),
                    ReportPeriod(year: year, span: .quarter(year == today.year ? (today.month + 2) / 3 : 4)),
                    ReportPeriod(year: year, span: .half(1)), ReportPeriod(year: year, span: .half(2)),
                    ReportPeriod(year: year, span: .nineMonths), ReportPeriod(year: year, span: .year),
                ]
            }
            let periods =
                "<option value=\"\">Tự chọn</option>"
                + named.map { p in
                    "<option value=\"\(p)\"\(value("period") == p.description ? " selected" : "")>\(StaffPage.escape(p.vietnameseName))</option>"
                }.joined()
            let body = """
                <form class="card" method="get" action="/reports" id="period">
                <label>Kỳ báo cáo <select name="period" id="preset">\(periods)</select></label>
                <label>Từ ngày <input type="date" name="from" id="from" value="\(days.from.isEmpty ? StaffPage.escape(value("from")) : days.from)"></label>
                <label>Đến ngày <input type="date" name="to" id="to" value="\(days.to.isEmpty ? StaffPage.escape(value("to")) : days.to)"></label>
                <label>Theo <select name="by">\(groupings)</select></label>
                <button type="submit">Xem</button>
                </form>
                \(downloads)
                <div class="card" style="overflow-x: auto;">\(table)</div>
                """
            // A named period sends only its name: the dates are disabled, so the form does not send them.
            let script = """
                const preset = document.getElementById("preset");
                const dates = () => { for (const id of ["from", "to"]) document.getElementById(id).disabled = preset.value !== ""; };
                preset.onchange = dates;
                dates();
                """
            return WebServer.html(StaffPage.frame(title: "Báo cáo", who: who, here: "/reports", body: body, script: script))
        }
    }

    static func title(_ grouping: ReportGrouping) -> String {
        switch grouping {
        case .officer: "Cán bộ"
        case .counter: "Quầy"
        case .service: "Dịch vụ"
        case .day: "Ngày"
        case .month: "Tháng"
        case .quarter: "Quý"
        case .year: "Năm"
        }
    }

    static func html(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "<p>Không có số liệu.</p>" }
        var out = "<table><thead><tr>" + header.map { "<th>\(StaffPage.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows.dropFirst() {
            out += "<tr>" + row.map { "<td>\(StaffPage.escape($0))</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// The export into a temporary file (a year of raw rows is tens of megabytes: not in memory).
    static func write(_ export: ExportRequest, daemon: KioskDaemon) async throws -> String {
        try await PageWork.run(on: PageWork.reports) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-export-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let handle = FileHandle(forWritingAtPath: path)
            else {
                throw ExportFileError(path: path)
            }
            defer { try? handle.close() }
            do {
                try export.write(database: daemon.database, config: daemon.config, to: handle)
            } catch {
                unlink(path)
                throw error
            }
            return path
        }
    }
}
