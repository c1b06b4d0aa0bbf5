import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KioskCore
import KioskPages
import KioskService
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// `kiosk-province serve`: the province office's read-only pages. A login (the central
/// database's accounts), the report and the ranking of centres for any period, the files
/// to download (CSV, XLSX, JSON), and each centre's sync: when its box was last heard from,
/// so that a box gone silent shows.
public enum ProvinceWeb {
    static let cookie = "province_session"
    static let loginCookie = "province_login"

    /// The page's connections: a pool of at most `maxConnections` (postgres-nio's
    /// `PostgresClient`), so a thousand visitors wait for a connection instead of opening a
    /// thousand. Run it beside the application (`client.run()`).
    public static func client(server: CentralServer, maxConnections: Int, logger: Logger) throws -> PostgresClient {
        let address = server.address
        let tls: PostgresClient.Configuration.TLS
        switch address.tls {
        case .disable: tls = .disable
        case .verifyFull:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .fullVerification
            if let caFile = address.caFile { settings.trustRoots = .file(caFile) }
            tls = .require(settings)
        }
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user,
            password: server.password, database: address.database, tls: tls)
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 0
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// The page runs as a login that cannot change a figure (`kiosk-province page-login`): not
    /// the owner, not a superuser, not a box's.
    public static func checkReadOnly(_ client: PostgresClient, logger: Logger) async throws {
        let (login, writes) = try await client.withConnection { connection in
            try await CentralSchema.check(connection, logger: logger)
            return try await connection.fetch(
                """
                SELECT current_user::text, rolsuper OR has_table_privilege('public.rating', 'UPDATE') OR has_table_privilege('public.account', 'INSERT')
                FROM pg_roles WHERE rolname = current_user
                """, as: (String, Bool).self, logger: logger
            ).first ?? ("?", true)
        }
        if writes {
            throw CentralError(
                "kiosk-province serve runs as the page's own login, which can change no figure; \(login) can: "
                    + "make the page's login with kiosk-province page-login --password-out FILE and give it to serve")
        }
    }

    /// `tls`: a certificate chain and key (PEM): the page is served over HTTPS only, its
    /// cookies `Secure`, with HSTS.
    public static func application(
        client: PostgresClient, host: String, port: Int, tls: (certificate: String, key: String)? = nil,
        logger: Logger, onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let routes = router(client: client, logger: logger, overHTTPS: tls != nil)
        var server = HTTPServerBuilder.http1()
        if let tls {
            let configuration: TLSConfiguration
            do {
                configuration = try HTTPS.serverConfiguration(certificate: tls.certificate, key: tls.key)
            } catch {
                throw CentralError("--tls-certificate \(tls.certificate) and --tls-key \(tls.key) cannot be used: \(error)")
            }
            server = try .tls(.http1(), tlsConfiguration: configuration)
        }
        return Application(
            router: routes, server: server,
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
            func value(_ name: Substring) -> String? {
                guard let v = q[name], !v.isEmpty else { return nil }
                return String(v)
            }
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
                guard let grouping = ProvinceGrouping(rawValue: by) else {
                    throw Invalid("by: \(by) is not one of centre, officer, counter, service, day, month, quarter, year")
                }
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

    struct Invalid: Error {
        let message: String
        init(_ m: String) { message = m }
    }

    /// Wrong passwords per address within `addressWindow`, counted before bcrypt runs: the
    /// box's own rule.
    static let failuresPerAddress = ProvinceAccounts.rules.failuresPerAddress
    static let addressWindow = AccountService.addressWindow

    static func router(client: PostgresClient, logger: Logger, overHTTPS: Bool = false) -> Router<KioskRequestContext> {
        let router = Router(context: KioskRequestContext.self)
        // Middleware first: Hummingbird applies it to the routes added after it.
        if overHTTPS { router.add(middleware: OverHTTPS()) }
        router.add(middleware: FailureLog(logger: logger))
        let unknownNames = ProvinceAccounts.UnknownNames()
        let addresses = Mutex(PerAddress(forget: addressWindow) { ActionRateLimit(limit: failuresPerAddress, window: addressWindow) })
        router.get("/health") { _, _ in
            do {
                try await client.withConnection { try await CentralSchema.check($0, logger: logger) }
                return json(#"{"status":"ok"}"#)
            } catch {
                return json(#"{"status":"degraded","error":"\#(jsonEscape("\(error)"))"}"#, status: .serviceUnavailable)
            }
        }
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/report"]) }
        router.get("/login") { _, _ in loginPage(message: nil) }
        router.post("/login") { request, context in
            // Only from this page: a page elsewhere cannot log a browser in (Origin, and the form's own token).
            if let refusal = Responses.crossSiteRefusal(request) { return refusal }
            let body = try await request.body.collect(upTo: 4096)
            struct Form: Decodable {
                var username: String?
                var password: String?
                var csrf: String?
            }
            let form = (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))) ?? Form()
            guard let token = form.csrf, let expected = request.cookies[loginCookie]?.value, Responses.constantTimeEqual(token, expected)
            else {
                return loginPage(message: "Phiên đăng nhập đã hết hạn, vui lòng thử lại.", status: .forbidden)
            }
            guard let id = form.username, let password = form.password, !id.isEmpty, !password.isEmpty else {
                return loginPage(message: "Nhập tên đăng nhập và mật khẩu.", status: .badRequest)
            }
            let now = Date().timeIntervalSince1970
            if let wait = addresses.withLock({ $0.with(context.address, at: now) { $0.take(at: now) } }) {
                logger.warning("province login refused: too many from this address", metadata: ["address": "\(context.address)"])
                var response = loginPage(
                    message: "Đăng nhập sai quá nhiều lần từ máy này. Vui lòng thử lại sau \((wait + 59) / 60) phút.",
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
            let result = try await client.withConnection {
                try await ProvinceAccounts.login(id: id, password: password, $0, unknownNames: unknownNames, logger: logger)
            }
            switch result {
            case .signedIn(let session, _):
                // A right password gives the address's try back.
                addresses.withLock { $0.with(context.address, at: now) { $0.giveBack(at: now) } }
                var response = Response(status: .seeOther, headers: [.location: "/report"])
                response.setCookie(
                    Cookie(
                        name: cookie, value: session, maxAge: ProvinceAccounts.sessionHours * 3600, path: "/",
                        httpOnly: true, sameSite: .strict))
                return response
            case .refused:
                return loginPage(message: "Sai tên đăng nhập hoặc mật khẩu.", status: .unauthorized)
            case .locked:
                var response = loginPage(
                    message: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(ProvinceAccounts.lockMinutes) phút.",
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(ProvinceAccounts.lockMinutes * 60)
                return response
            }
        }
        router.post("/logout") { request, _ in
            if let refusal = Responses.crossSiteRefusal(request) { return refusal }
            let body = try await request.body.collect(upTo: 4096)
            struct Form: Decodable { var csrf: String? }
            let form = (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))) ?? Form()
            if let session = request.cookies[cookie]?.value {
                try await client.withConnection { connection in
                    if let who = try await ProvinceAccounts.account(session: session, connection, logger: logger),
                        let token = form.csrf, Responses.constantTimeEqual(token, who.csrf)
                    {
                        try await ProvinceAccounts.logout(session: session, connection, logger: logger)
                    }
                }
            }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/report") { request, _ in
            try await signedIn(request, client: client, logger: logger) { who, connection in
                let query: Query
                do { query = try Query(request) } catch let error as Invalid {
                    return page(frame(who, body: "<p class=\"error\">\(HTML.escape(error.message))</p>"), status: .badRequest)
                }
                var report = try await ProvinceReport.load(
                    connection, from: query.from, to: query.to, by: query.by, centre: query.centre,
                    rank: query.rank, logger: logger)
                report.period = query.period
                let centres = try await CentreSync.all(connection, logger: logger)
                return page(frame(who, body: reportPage(report, query: query, request: request, centres: centres)))
            }
        }
        router.get("/api/report") { request, _ in
            try await signedIn(request, client: client, logger: logger, page: false) { _, connection in
                let query: Query
                do { query = try Query(request) } catch let error as Invalid {
                    return json(#"{"error":"\#(jsonEscape(error.message))"}"#, status: .badRequest)
                }
                var report = try await ProvinceReport.load(
                    connection, from: query.from, to: query.to, by: query.by, centre: query.centre,
                    rank: query.rank, logger: logger)
                report.period = query.period
                let (data, type): (Data, String) =
                    switch query.format {
                    case .csv: (report.csv(query.layout), "text/csv; charset=utf-8")
                    case .json: (try report.json(), "application/json; charset=utf-8")
                    case .xlsx: (report.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                    }
                return Response(
                    status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(query.fileName)\""],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
        router.get("/api/centres") { request, _ in
            try await signedIn(request, client: client, logger: logger, page: false) { _, connection in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                encoder.dateEncodingStrategy = .iso8601
                return Response(
                    status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(try await CentreSync.all(connection, logger: logger)))))
            }
        }
        return router
    }

    /// Runs `body` for a signed-in account on one pooled connection, or sends the browser to
    /// the login (a page) or answers 401 (an API call). An anonymous request needs no
    /// connection at all: a crowd of them never takes the pool from the office.
    static func signedIn(
        _ request: Request, client: PostgresClient, logger: Logger, page: Bool = true,
        _ body: @escaping @Sendable (ProvinceAccounts.Account, PostgresConnection) async throws -> Response
    ) async throws -> Response {
        let refuse =
            page
            ? Response(status: .seeOther, headers: [.location: "/login"])
            : json(#"{"error":"log in first (POST /login)"}"#, status: .unauthorized)
        guard let session = request.cookies[cookie]?.value, session.count == 64, session.allSatisfy(\.isHexDigit) else { return refuse }
        return try await client.withConnection { connection in
            guard let who = try await ProvinceAccounts.account(session: session, connection, logger: logger) else { return refuse }
            return try await body(who, connection)
        }
    }

    /// The login form, with a new token set as a cookie too (a page elsewhere cannot read it).
    static func loginPage(message: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = AccountService.randomToken(bytes: 24)
        var response = page(loginForm(message: message, token: token), status: status)
        response.headers[.cacheControl] = "no-store"
        response.setCookie(Cookie(name: loginCookie, value: token, maxAge: 3600, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: Pages

    static func frame(_ who: ProvinceAccounts.Account?, body: String) -> String {
        HTML.document(
            title: "Mức độ hài lòng các đơn vị trong tỉnh",
            bar: who.map { HTML.whoAndLogout(name: $0.name, role: $0.role.title, csrf: $0.csrf) } ?? "",
            extraStyle: """
                main { max-width: 1400px; }
                td.n { text-align: right; font-variant-numeric: tabular-nums; }
                tr.silent td { background: #fff3cd; }
                .scroll { overflow-x: auto; }
                form.query { display: flex; gap: .8em; flex-wrap: wrap; align-items: end; }
                """,
            body: body)
    }

    static func loginForm(message: String?, token: String) -> String {
        frame(
            nil,
            body: """
                <div class="card" style="max-width: 420px; margin: 2em auto;">
                <h1>Đăng nhập</h1>
                \(message.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")
                <form method="post" action="/login">
                <input type="hidden" name="csrf" value="\(HTML.escape(token))">
                <p><label>Tên đăng nhập<br><input name="username" autocomplete="username" required autofocus></label></p>
                <p><label>Mật khẩu<br><input name="password" type="password" autocomplete="current-password" required></label></p>
                <p><button type="submit">Đăng nhập</button></p>
                </form></div>
                """)
    }

    static func reportPage(_ report: ProvinceReport, query: Query, request: Request, centres: [CentreSync]) -> String {
        let e = HTML.escape
        let options = ProvinceGrouping.allCases.map { g in
            let title =
                switch g {
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
        let centreOptions =
            (["<option value=\"\">Toàn tỉnh</option>"]
            + centres.map { c in
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

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response { Responses.html(html, status: status) }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
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
        try await connection.fetch(
            """
            SELECT code, name, extract(epoch FROM last_contact)::float8, last_event_at, events, events_behind, kiosk_version FROM centre ORDER BY code
            """, as: (String, String, Double?, Double?, Int, Int, String?).self, logger: logger
        ).map {
            CentreSync(
                code: $0.0, name: $0.1, lastContact: $0.2.map { Date(timeIntervalSince1970: $0) },
                lastEventAt: $0.3.map { Date(timeIntervalSince1970: $0) }, events: $0.4, eventsBehind: $0.5, version: $0.6)
        }
    }
}

/// A request that failed (the central database away, a query refused) is logged with why, and
/// answered 500 with a sentence instead of an empty page.
struct FailureLog: RouterMiddleware {
    typealias Context = KioskRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("province page failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return ProvinceWeb.page(
                ProvinceWeb.frame(
                    nil,
                    body: "<p class=\"error\">Không đọc được cơ sở dữ liệu của tỉnh. Vui lòng thử lại sau. "
                        + "(The central database could not be read; the log says why.)</p>"),
                status: .internalServerError)
        }
    }
}

/// Served over HTTPS: every cookie `Secure`, and HSTS so the browser keeps to HTTPS.
struct OverHTTPS: RouterMiddleware {
    typealias Context = KioskRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        HTTPS.secure(&response)
        return response
    }
}
