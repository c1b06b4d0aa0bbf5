import Foundation
import Hummingbird
import KioskCore
import KioskService
import KioskWeb
import Logging
import PostgresNIO

/// `kiosk province serve`: the province office's read-only pages. A login (the central
/// database's accounts), the report and the ranking of centres for any period, the files
/// to download (CSV, XLSX, JSON), and each centre's sync: when its box was last heard from,
/// so that a box gone silent shows.
public enum ProvinceWeb {
    static let cookie = "province_session"

    public static func application(server: CentralServer, host: String, port: Int, logger: Logger,
                                   onReady: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(server: server, logger: logger),
                    configuration: .init(address: .hostname(host, port: port), serverName: "kiosk-province"),
                    onServerRunning: { await onReady($0.localAddress?.port ?? 0) }, logger: logger)
    }

    struct Query {
        var from: LocalDay, to: LocalDay, period: ReportPeriod?
        var by: ProvinceGrouping = .centre
        var rank = false
        var centre: String?
        var layout: SatisfactionReport.Layout = .full
        var format: ExportRequest.Format = .csv

        /// The page's and the download's parameters; a wrong one is named.
        init(_ request: Request) throws(Invalid) {
            let q = request.uri.queryParameters
            func value(_ name: Substring) -> String? { guard let v = q[name], !v.isEmpty else { return nil }; return String(v) }
            if let from = value("from"), let to = value("to") {
                guard let first = LocalDay(iso: from) else { throw Invalid("from: give the first day as YYYY-MM-DD") }
                guard let last = LocalDay(iso: to) else { throw Invalid("to: give the last day as YYYY-MM-DD") }
                guard first <= last else { throw Invalid("from \(from) is after to \(to)") }
                (self.from, self.to) = (first, last)
            } else {
                let text = value("period") ?? String(Calendar(identifier: .gregorian).component(.year, from: Date()))
                guard let period = ReportPeriod(text) else {
                    throw Invalid("period: \(text) is not a period: use 2026-07, 2026-Q3, 2026-H1, 2026-H2, 2026-9M or 2026")
                }
                (from, to, self.period) = (period.first, period.last, period)
            }
            if let by = value("by") {
                guard let grouping = ProvinceGrouping(rawValue: by) else { throw Invalid("by: \(by) is not one of centre, officer, counter, service, day, month, quarter, year") }
                self.by = grouping
            }
            rank = value("rank") == "1" && by == .centre
            centre = value("centre")
            if let layout = value("layout") {
                guard let l = SatisfactionReport.Layout(rawValue: layout) else { throw Invalid("layout: full or filing") }
                self.layout = l
            }
            if let format = value("format") {
                guard let f = ExportRequest.Format(rawValue: format) else { throw Invalid("format: csv, xlsx or json") }
                self.format = f
            }
        }

        var fileName: String {
            "bao-cao-tinh-\(by.rawValue)\(rank ? "-xep-hang" : "")\(centre.map { "-\($0)" } ?? "")-\(period.map(\.description) ?? "\(from.iso)-\(to.iso)").\(format.rawValue)"
        }
    }

    struct Invalid: Error { let message: String; init(_ m: String) { message = m } }

    static func router(server: CentralServer, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in
            do {
                try await server.withConnection(logger: logger) { try await CentralSchema.check($0, logger: logger) }
                return json(#"{"status":"ok"}"#)
            } catch {
                return json(#"{"status":"degraded","error":"\#(jsonEscape("\(error)"))"}"#, status: .serviceUnavailable)
            }
        }
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/report"]) }
        router.get("/login") { _, _ in page(loginForm(message: nil)) }
        router.post("/login") { request, _ in
            let body = try await request.body.collect(upTo: 4096)
            struct Form: Decodable { var username: String?; var password: String? }
            let form = (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))) ?? Form()
            guard let id = form.username, let password = form.password, !id.isEmpty, !password.isEmpty else {
                return page(loginForm(message: "Nhập tên đăng nhập và mật khẩu."), status: .badRequest)
            }
            let result = try await server.withConnection(logger: logger) { try await ProvinceAccounts.login(id: id, password: password, $0, logger: logger) }
            switch result {
            case .signedIn(let session, _):
                var response = Response(status: .seeOther, headers: [.location: "/report"])
                response.setCookie(Cookie(name: cookie, value: session, maxAge: ProvinceAccounts.sessionHours * 3600, path: "/",
                                          httpOnly: true, sameSite: .strict))
                return response
            case .refused:
                return page(loginForm(message: "Sai tên đăng nhập hoặc mật khẩu."), status: .unauthorized)
            case .locked:
                return page(loginForm(message: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(ProvinceAccounts.lockMinutes) phút."),
                            status: .tooManyRequests)
            }
        }
        router.post("/logout") { request, _ in
            if let session = request.cookies[cookie]?.value {
                try await server.withConnection(logger: logger) { try await ProvinceAccounts.logout(session: session, $0, logger: logger) }
            }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/report") { request, _ in
            try await signedIn(request, server: server, logger: logger) { who, connection in
                let query: Query
                do { query = try Query(request) } catch let error as Invalid { return page(frame(who, body: "<p class=\"error\">\(StaffPage.escape(error.message))</p>"), status: .badRequest) }
                var report = try await server.withConnection(logger: logger) { second in
                    try await ProvinceReport.load(connection, alongside: second, from: query.from, to: query.to, by: query.by,
                                                  centre: query.centre, rank: query.rank, logger: logger)
                }
                report.period = query.period
                let centres = try await CentreSync.all(connection, logger: logger)
                return page(frame(who, body: reportPage(report, query: query, request: request, centres: centres)))
            }
        }
        router.get("/api/report") { request, _ in
            try await signedIn(request, server: server, logger: logger, page: false) { _, connection in
                let query: Query
                do { query = try Query(request) } catch let error as Invalid { return json(#"{"error":"\#(jsonEscape(error.message))"}"#, status: .badRequest) }
                var report = try await server.withConnection(logger: logger) { second in
                    try await ProvinceReport.load(connection, alongside: second, from: query.from, to: query.to, by: query.by,
                                                  centre: query.centre, rank: query.rank, logger: logger)
                }
                report.period = query.period
                let (data, type): (Data, String) = switch query.format {
                case .csv: (report.csv(query.layout), "text/csv; charset=utf-8")
                case .json: (try report.json(), "application/json; charset=utf-8")
                case .xlsx: (report.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                }
                return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(query.fileName)\""],
                                body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
        router.get("/api/centres") { request, _ in
            try await signedIn(request, server: server, logger: logger, page: false) { _, connection in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                encoder.dateEncodingStrategy = .iso8601
                return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(try await CentreSync.all(connection, logger: logger)))))
            }
        }
        return router
    }

    /// Runs `body` for a signed-in account, or sends the browser to the login (a page) or
    /// answers 401 (an API call).
    static func signedIn(_ request: Request, server: CentralServer, logger: Logger, page: Bool = true,
                         _ body: @escaping @Sendable (ProvinceAccounts.Account, PostgresConnection) async throws -> Response) async throws -> Response {
        try await server.withConnection(logger: logger) { connection in
            guard let session = request.cookies[cookie]?.value,
                  let who = try await ProvinceAccounts.account(session: session, connection, logger: logger) else {
                return page ? Response(status: .seeOther, headers: [.location: "/login"])
                            : json(#"{"error":"log in first (POST /login)"}"#, status: .unauthorized)
            }
            return try await body(who, connection)
        }
    }

    // MARK: Pages

    static func frame(_ who: ProvinceAccounts.Account?, body: String) -> String {
        let bar = who.map { w -> String in
            """
            <span class="who">\(StaffPage.escape(w.name)) · \(w.role.title)</span>
            <form method="post" action="/logout"><button class="quiet" type="submit">Đăng xuất</button></form>
            """
        } ?? ""
        return """
            <!doctype html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Mức độ hài lòng các đơn vị trong tỉnh</title>
            <style>\(StaffPage.style)
            main { max-width: 1400px; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            tr.silent td { background: #fff3cd; }
            .scroll { overflow-x: auto; }
            form.query { display: flex; gap: .8em; flex-wrap: wrap; align-items: end; }
            </style></head>
            <body><header><strong>Mức độ hài lòng các đơn vị trong tỉnh</strong>\(bar)</header><main>\(body)</main></body></html>
            """
    }

    static func loginForm(message: String?) -> String {
        frame(nil, body: """
            <div class="card" style="max-width: 420px; margin: 2em auto;">
            <h1>Đăng nhập</h1>
            \(message.map { "<p class=\"error\" role=\"alert\">\(StaffPage.escape($0))</p>" } ?? "")
            <form method="post" action="/login">
            <p><label>Tên đăng nhập<br><input name="username" autocomplete="username" required autofocus></label></p>
            <p><label>Mật khẩu<br><input name="password" type="password" autocomplete="current-password" required></label></p>
            <p><button type="submit">Đăng nhập</button></p>
            </form></div>
            """)
    }

    static func reportPage(_ report: ProvinceReport, query: Query, request: Request, centres: [CentreSync]) -> String {
        let e = StaffPage.escape
        let options = ProvinceGrouping.allCases.map { g in
            let title = switch g {
            case .centre: "Đơn vị"
            case .officer: "Cán bộ (trong đơn vị)"
            case .counter: "Quầy (trong đơn vị)"
            case .service: "Dịch vụ (trong đơn vị)"
            case .day: "Ngày"
            case .month: "Tháng"
            case .quarter: "Quý"
            case .year: "Năm"
            }
            return "<option value=\"\(g.rawValue)\"\(g == query.by ? " selected" : "")>\(title)</option>"
        }.joined()
        let centreOptions = (["<option value=\"\">Toàn tỉnh</option>"] + centres.map { c in
            "<option value=\"\(e(c.code))\"\(c.code == query.centre ? " selected" : "")>\(e(c.code)) – \(e(c.name))</option>"
        }).joined()
        let table = report.table(query.layout)
        let header = table.first.map { "<tr>" + $0.map { "<th>\(e($0))</th>" }.joined() + "</tr>" } ?? ""
        let rows = table.dropFirst().map { row in
            "<tr>" + row.map { cell in Double(cell) != nil ? "<td class=\"n\">\(e(cell))</td>" : "<td>\(e(cell))</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        var parameters = request.uri.query ?? ""
        if parameters.isEmpty { parameters = "period=\(query.period?.description ?? "")" }
        let download = ["csv": "CSV (Excel)", "xlsx": "XLSX", "json": "JSON"].sorted { $0.key < $1.key }.map { format, title in
            "<a href=\"/api/report?\(e(parameters))&amp;format=\(format)\">\(title)</a>"
        }.joined(separator: " · ")
        let now = Date()
        let syncRows = centres.map { c -> String in
            let silent = c.lastContact.map { now.timeIntervalSince($0) > 3600 } ?? true
            return """
                <tr\(silent ? " class=\"silent\"" : "")><td>\(e(c.code))</td><td>\(e(c.name))</td>\
                <td>\(c.lastContact.map { ago($0, now) } ?? "chưa bao giờ")\(silent ? " – mất liên lạc" : "")</td>\
                <td>\(c.lastEventAt.map { ago($0, now) } ?? "")</td><td class="n">\(c.events)</td><td class="n">\(c.eventsBehind)</td>\
                <td>\(e(c.version ?? ""))</td></tr>
                """
        }.joined(separator: "\n")
        return """
            <div class="card">
            <form class="query" method="get" action="/report">
            <label>Kỳ báo cáo<br><input name="period" value="\(e(query.period?.description ?? ""))" placeholder="2026-Q3" size="9"></label>
            <label>Từ ngày<br><input name="from" type="date" value="\(query.period == nil ? query.from.iso : "")"></label>
            <label>Đến ngày<br><input name="to" type="date" value="\(query.period == nil ? query.to.iso : "")"></label>
            <label>Theo<br><select name="by">\(options)</select></label>
            <label>Đơn vị<br><select name="centre">\(centreOptions)</select></label>
            <label><input type="checkbox" name="rank" value="1"\(query.rank ? " checked" : "")> Xếp hạng (theo đơn vị)</label>
            <button type="submit">Xem</button>
            </form></div>
            <div class="card"><h1>\(e(report.title))</h1>
            <p>Tải về: \(download)</p>
            \(report.ranked ? "<p>Xếp hạng theo tỷ lệ hài lòng; cùng tỷ lệ thì đơn vị có nhiều lượt đánh giá hơn đứng trước. Xem cột số lượt đánh giá và số phiếu đã phục vụ: tỷ lệ của một đơn vị ít phiếu kém tin cậy hơn.</p>" : "")
            <div class="scroll"><table>\(header)\n\(rows)</table></div></div>
            <div class="card"><h2>Đồng bộ từ các đơn vị</h2>
            <div class="scroll"><table><tr><th>Mã đơn vị</th><th>Đơn vị</th><th>Liên lạc lần cuối</th><th>Sự kiện mới nhất</th>\
            <th>Số sự kiện đã nhận</th><th>Còn chờ gửi (máy báo)</th><th>Phiên bản</th></tr>
            \(syncRows)</table></div></div>
            """
    }

    /// "5 phút trước", "3 ngày trước".
    static func ago(_ date: Date, _ now: Date) -> String {
        let s = max(0, Int(now.timeIntervalSince(date)))
        switch s {
        case ..<60: return "\(s) giây trước"
        case ..<3600: return "\(s / 60) phút trước"
        case ..<86400: return "\(s / 3600) giờ trước"
        default: return "\(s / 86400) ngày trước"
        }
    }

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func jsonEscape(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self).dropFirst().dropLast().description
    }
}

/// Each centre's sync, as the central database knows it.
public struct CentreSync: Sendable, Encodable {
    public var code: String, name: String
    public var lastContact: Date?
    public var lastEventAt: Date?
    public var events: Int
    /// What the box said it still had to send, at its last contact.
    public var eventsBehind: Int
    public var version: String?

    static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [CentreSync] {
        try await connection.fetch("""
            SELECT code, name, extract(epoch FROM last_contact)::float8, last_event_at, events, events_behind, kiosk_version FROM centre ORDER BY code
            """, as: (String, String, Double?, Double?, Int, Int, String?).self, logger: logger).map {
            CentreSync(code: $0.0, name: $0.1, lastContact: $0.2.map { Date(timeIntervalSince1970: $0) },
                       lastEventAt: $0.3.map { Date(timeIntervalSince1970: $0) }, events: $0.4, eventsBehind: $0.5, version: $0.6)
        }
    }
}
