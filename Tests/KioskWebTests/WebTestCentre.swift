import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskRuntime
import KioskService
import KioskStore
import KioskTestSupport

@testable import KioskWeb

/// A centre with no devices, a real SQLite file in a temporary folder, and four accounts
/// (admin, leader, two officers), served through Hummingbird's test client.
struct WebTestCentre {
    let folder: String
    let daemon: KioskDaemon
    let log = RecordingLog()
    /// The parts a test waits for before it starts (the metrics' subscription).
    let readiness = Readiness()
    let metrics: KioskMetrics
    static let passwords = ["admin": "admin-pass-01", "leader": "leader-pass-01", "an": "officer-pass-an", "bo": "officer-pass-bo"]

    init(extraConfig: String = "") async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-web-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = """
            [centre]
            name = "Trung tâm xã Thử"
            [database]
            path = "kiosk.sqlite"
            [http]
            bind = "127.0.0.1:8089"
            tickets_per_service = 1000
            tickets_overall = 10000
            [control]
            socket = "control.sock"
            [accounts]
            bcrypt_cost = 8
            \(extraConfig)
            [[services]]
            code = "A"
            name = "Chứng thực"
            prefix = "A"
            [[services]]
            code = "B"
            name = "Hộ tịch"
            prefix = "B"
            [[counters]]
            number = 1
            services = ["A", "B"]
            [[counters]]
            number = 2
            services = ["B"]
            """
        try text.write(toFile: "\(folder)/kiosk.toml", atomically: true, encoding: .utf8)
        daemon = try KioskDaemon(config: try ConfigLoader.load(file: "\(folder)/kiosk.toml"), logger: log.logger)
        metrics = KioskMetrics(daemon: daemon, ready: readiness.part("metrics"))
        for (id, role, name) in [
            ("admin", Role.admin, "Quản Trị"), ("leader", .leader, "Lãnh Đạo"),
            ("an", .officer, "Nguyễn Văn An"), ("bo", .officer, "Trần Thị Bơ"),
        ] {
            _ = try await daemon.accounts.add(id: id, name: name, role: role, password: Self.passwords[id], actor: "test")
        }
    }

    var application: some ApplicationProtocol {
        Application(router: WebServer.router(daemon: daemon, metrics: metrics, logger: log.logger), services: [metrics])
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// A browser's cookie jar and CSRF token, signed in as one account (or not at all).
struct Browser: Sendable {
    var cookies: [String: String] = [:]
    var csrf: String?

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    var cookieHeader: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func take(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(
                String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
    }

    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// As a browser sends them: its cookies, and `Sec-Fetch-Site` (same-origin, unless the
    /// test says otherwise), without which the daemon refuses a change.
    func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var fields = extra
        if fields[Self.fetchSite] == nil && fields[.origin] == nil { fields[Self.fetchSite] = "same-origin" }
        if !cookies.isEmpty { fields[.cookie] = cookieHeader }
        return fields
    }

    /// GET, keeping cookies.
    mutating func get(_ client: some TestClientProtocol, _ uri: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: headers(extra))
        take(response)
        return response
    }

    /// POST, keeping cookies; JSON bodies carry the session's CSRF token.
    mutating func post(
        _ client: some TestClientProtocol, _ uri: String, json: String? = nil, form: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers(extra)
        if json != nil {
            fields[.contentType] = "application/json"
            if let csrf, fields[Self.csrfHeader] == nil { fields[Self.csrfHeader] = csrf }
        }
        if form != nil { fields[.contentType] = "application/x-www-form-urlencoded" }
        let body = (json ?? form).map { ByteBuffer(string: $0) }
        let response = try await client.execute(uri: uri, method: .post, headers: fields, body: body)
        take(response)
        return response
    }

    /// The login form's hidden token, then the form posted: the status of the post.
    @discardableResult
    mutating func login(
        _ client: some TestClientProtocol, _ user: String, _ password: String,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        let page = try await get(client, "/login")
        let html = String(buffer: page.body)
        let token = html.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        let response = try await post(client, "/login", form: "username=\(user)&password=\(password)&csrf=\(token)", headers: extra)
        if response.status == .seeOther, let location = response.headers[.location] {
            let home = String(buffer: try await get(client, location).body)
            csrf = home.components(separatedBy: "name=\"csrf\" content=\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) }
        }
        return response
    }

    static func signedIn(_ client: some TestClientProtocol, as user: String) async throws -> Browser {
        var browser = Browser()
        let response = try await browser.login(client, user, WebTestCentre.passwords[user]!)
        precondition(response.status == .seeOther, "login as \(user): \(response.status)")
        return browser
    }
}
