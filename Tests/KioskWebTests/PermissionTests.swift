import Foundation
import Hummingbird
import HummingbirdTesting
import KioskCore
import Testing

@testable import KioskWeb

/// Every route × {anonymous, officer, leader, admin} → the status each gets. A route added
/// without a row here fails the test.
@Suite struct PermissionTests {
    struct Row {
        var method: HTTPRequest.Method
        var path: String
        /// The request as sent (a query, a body); the route's own path when nil.
        var uri: String?
        var json: String?
        var form: String?
        var anonymous: HTTPResponse.Status
        var officer: HTTPResponse.Status
        var leader: HTTPResponse.Status
        var admin: HTTPResponse.Status
    }

    static let month = "from=2026-01-01&to=2026-12-31"

    static let table: [Row] = [
        // The hall: anonymous, the same for everyone.
        Row(method: .get, path: "/", anonymous: .seeOther, officer: .seeOther, leader: .seeOther, admin: .seeOther),
        Row(method: .get, path: "/display", anonymous: .ok, officer: .ok, leader: .ok, admin: .ok),
        Row(method: .get, path: "/api/queue", anonymous: .ok, officer: .ok, leader: .ok, admin: .ok),
        Row(method: .get, path: "/api/display/events", anonymous: .ok, officer: .ok, leader: .ok, admin: .ok),
        Row(
            method: .get, path: "/display/counter/{number}", uri: "/display/counter/1", anonymous: .ok, officer: .ok, leader: .ok,
            admin: .ok),
        // Public like the screen that shows it; nobody is signed in at counter 1 here.
        Row(
            method: .get, path: "/display/counter/{number}/photo", uri: "/display/counter/1/photo",
            anonymous: .notFound, officer: .notFound, leader: .notFound, admin: .notFound),
        Row(method: .get, path: "/kiosk", anonymous: .ok, officer: .ok, leader: .ok, admin: .ok),
        Row(method: .get, path: "/api/kiosk/services", anonymous: .ok, officer: .ok, leader: .ok, admin: .ok),
        Row(
            method: .post, path: "/api/kiosk/tickets", json: #"{"service": "A"}"#,
            anonymous: .created, officer: .created, leader: .created, admin: .created),
        Row(method: .get, path: "/health", anonymous: .ok, officer: .ok, leader: .ok, admin: .ok),
        // Metrics: from 127.0.0.1 without a login (the router test has no address), else the admin's.
        Row(method: .get, path: "/metrics", anonymous: .forbidden, officer: .forbidden, leader: .forbidden, admin: .ok),
        // Logging in and out.
        Row(method: .get, path: "/login", anonymous: .ok, officer: .seeOther, leader: .seeOther, admin: .seeOther),
        // A login post without the form's token is refused, whoever sends it.
        Row(
            method: .post, path: "/login", form: "username=an&password=x", anonymous: .forbidden, officer: .forbidden,
            leader: .forbidden, admin: .forbidden),
        Row(
            method: .post, path: "/logout", form: "csrf=CSRF", anonymous: .seeOther, officer: .seeOther, leader: .seeOther, admin: .seeOther
        ),
        // The officer's counter page.
        Row(method: .get, path: "/officer", anonymous: .seeOther, officer: .ok, leader: .forbidden, admin: .forbidden),
        Row(method: .get, path: "/api/officer/state", anonymous: .unauthorized, officer: .ok, leader: .forbidden, admin: .forbidden),
        Row(method: .get, path: "/api/officer/events", anonymous: .unauthorized, officer: .ok, leader: .forbidden, admin: .forbidden),
        Row(
            method: .post, path: "/api/officer/action", json: #"{"action": "sign-in", "counter": 2}"#,
            anonymous: .unauthorized, officer: .ok, leader: .forbidden, admin: .forbidden),
        // The live dashboard: the leader's and the admin's.
        Row(method: .get, path: "/dashboard", anonymous: .seeOther, officer: .forbidden, leader: .ok, admin: .ok),
        Row(method: .get, path: "/dashboard/content", anonymous: .unauthorized, officer: .forbidden, leader: .ok, admin: .ok),
        Row(method: .get, path: "/api/dashboard/events", anonymous: .unauthorized, officer: .forbidden, leader: .ok, admin: .ok),
        // Reports: all for the leader and the admin; an officer's own, as summaries.
        Row(method: .get, path: "/reports", anonymous: .seeOther, officer: .ok, leader: .ok, admin: .ok),
        Row(
            method: .get, path: "/api/export", uri: "/api/export?\(month)&by=service",
            anonymous: .unauthorized, officer: .forbidden, leader: .ok, admin: .ok),
        // The admin's: the audit log, accounts, devices (forms answer by a redirect back to the page).
        Row(method: .get, path: "/admin/audit", anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .ok),
        Row(method: .get, path: "/admin/accounts", anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .ok),
        Row(
            method: .post, path: "/admin/accounts", form: "csrf=CSRF&id=nobody&active=0",
            anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .seeOther),
        Row(method: .get, path: "/admin/devices", anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .ok),
        Row(
            method: .post, path: "/admin/tickets/reprint", form: "csrf=CSRF&number=A999",
            anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .seeOther),
        Row(
            method: .post, path: "/admin/tickets/void", form: "csrf=CSRF&number=A999",
            anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .seeOther),
        Row(
            method: .post, path: "/admin/counters/sign-out", form: "csrf=CSRF&counter=2",
            anonymous: .seeOther, officer: .forbidden, leader: .forbidden, admin: .seeOther),
    ]

    /// Extra rows for routes whose answer depends on the request, not only on who asks.
    static let variants: [Row] = [
        Row(
            method: .get, path: "/api/export", uri: "/api/export?\(month)&by=month",
            anonymous: .unauthorized, officer: .ok, leader: .ok, admin: .ok),
        Row(
            method: .get, path: "/api/export", uri: "/api/export?\(month)&rows=ratings",
            anonymous: .unauthorized, officer: .forbidden, leader: .ok, admin: .ok),
        Row(
            method: .get, path: "/api/export", uri: "/api/export?\(month)&by=month&officer=bo",
            anonymous: .unauthorized, officer: .forbidden, leader: .ok, admin: .ok),
    ]

    @Test func everyRouteHasARow() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        let routes = WebServer.router(daemon: centre.daemon, metrics: centre.metrics, logger: centre.log.logger).routes
            .map { "\($0.method) \($0.path)" }
        let rows = Set(Self.table.map { "\($0.method) \($0.path)" })
        for route in routes {
            #expect(rows.contains(route), "route \(route) has no row in the permission table")
        }
        #expect(Set(routes).count == Self.table.count, "rows for routes that do not exist: \(rows.subtracting(routes))")
    }

    @Test func everyRoleGetsWhatTheTableSays() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        // Streams send the state and end at once (the engine takes no more subscribers).
        await centre.daemon.engine.closeSubscriptions()
        try await centre.application.test(.router) { client in
            for (role, user) in [("anonymous", nil), ("officer", "an"), ("leader", "leader"), ("admin", "admin")] as [(String, String?)] {
                for row in Self.table + Self.variants {
                    // Fresh each time: a row (logout) may end the session.
                    var browser = Browser()
                    if let user { browser = try await Browser.signedIn(client, as: user) }
                    let uri = row.uri ?? row.path
                    let response: TestResponse
                    if row.method == .post {
                        response = try await browser.post(
                            client, uri, json: row.json,
                            form: row.form?.replacingOccurrences(of: "CSRF", with: browser.csrf ?? ""))
                    } else {
                        response = try await browser.get(client, uri)
                    }
                    let expected = [row.anonymous, row.officer, row.leader, row.admin][
                        ["anonymous", "officer", "leader", "admin"].firstIndex(of: role)!]
                    #expect(
                        response.status == expected,
                        "\(role) \(row.method) \(uri): \(response.status), body \(String(buffer: response.body).prefix(200))")
                }
            }
        }
    }
}
