import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskStore
import Testing

@testable import KioskWeb

@Suite struct SecurityTests {
    @Test func wrongPasswordsLockTheAccountAndTheRightOneWaits() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            var guesser = Browser()
            for attempt in 1...5 {
                let response = try await guesser.login(client, "an", "wrong-guess-\(attempt)")
                #expect(response.status == .unauthorized, "attempt \(attempt)")
            }
            // Five wrong in a row: locked, and the right password waits too.
            let locked = try await guesser.login(client, "an", WebTestCentre.passwords["an"]!)
            #expect(locked.status == .tooManyRequests)
            let wait = Int(locked.headers[.retryAfter] ?? "") ?? 0
            #expect((50...60).contains(wait), "Retry-After \(wait)")
            #expect(String(buffer: locked.body).contains("Đăng nhập sai quá nhiều lần"))
            // Another account from elsewhere is not affected.
            var other = Browser()
            #expect(try await other.login(client, "bo", WebTestCentre.passwords["bo"]!).status == .seeOther)
        }
        // The admin's reset unlocks it.
        try await centre.daemon.accounts.setPassword(OfficerID("an"), "a-new-password", actor: "admin")
        try await centre.application.test(.router) { client in
            var browser = Browser()
            let status = try await browser.login(client, "an", "a-new-password").status
            #expect(status == .seeOther)
        }
    }

    @Test func oneAddressGuessingManyAccountsMustWait() async throws {
        let centre = try await WebTestCentre(extraConfig: "failures_per_address = 5")
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            var guesser = Browser()
            for name in ["nobody", "an", "bo", "leader", "x.y"] {
                #expect(try await guesser.login(client, name, "guess-guess").status == .unauthorized)
            }
            // In the router test every request comes from the same (unknown) address.
            let refused = try await guesser.login(client, "admin", WebTestCentre.passwords["admin"]!)
            #expect(refused.status == .tooManyRequests)
        }
    }

    @Test func crossSiteFormPostsAreRefused() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            // A page elsewhere posting the login form (login CSRF) and an officer's action.
            var visitor = Browser()
            let login = try await visitor.login(
                client, "an", WebTestCentre.passwords["an"]!,
                headers: [.origin: "http://evil.example"])
            #expect(login.status == .forbidden)
            #expect(visitor.cookies["kiosk_session"] == nil)

            var officer = try await Browser.signedIn(client, as: "an")
            let crossSite = try await officer.post(
                client, "/api/officer/action", json: #"{"action": "sign-in", "counter": 1}"#,
                headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            // Without the token (a form from another site cannot read it): refused.
            let noToken = try await officer.post(
                client, "/api/officer/action", json: #"{"action": "sign-in", "counter": 1}"#,
                headers: [Browser.csrfHeader: "not-the-token"])
            #expect(noToken.status == .forbidden)
            #expect(await centre.daemon.engine.snapshot.counters[CounterNumber(1)]?.officer == nil)
            // The same with the token: done.
            let done = try await officer.post(client, "/api/officer/action", json: #"{"action": "sign-in", "counter": 1}"#)
            #expect(done.status == .ok)
            #expect(await centre.daemon.engine.snapshot.counters[CounterNumber(1)]?.officer == OfficerID("an"))
        }
    }

    @Test func aLoggedOutSessionCookieIsRefused() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            var officer = try await Browser.signedIn(client, as: "an")
            let stolen = officer.cookies
            #expect(try await officer.get(client, "/api/officer/state").status == .ok)
            let logout = try await officer.post(client, "/logout", form: "csrf=\(officer.csrf ?? "")")
            #expect(logout.status == .seeOther)
            #expect(officer.cookies["kiosk_session"] == nil, "the browser was told to forget the cookie")
            var replay = Browser(cookies: stolen)
            #expect(try await replay.get(client, "/api/officer/state").status == .unauthorized)
            #expect(try await replay.get(client, "/officer").headers[.location] == "/login?next=/officer")
        }
    }

    @Test func sessionCookieIsHttpOnlyAndSameSiteStrict() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            var browser = Browser()
            let response = try await browser.login(client, "leader", WebTestCentre.passwords["leader"]!)
            let cookie = response.headers[values: .setCookie].first { $0.hasPrefix("kiosk_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(response.headers[.location] == "/dashboard")
        }
    }

    @Test func noPasswordOrHashInLogsAuditPagesOrExports() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        let secret = "very-secret-Passw0rd"
        try await centre.daemon.accounts.setPassword(OfficerID("leader"), secret, actor: "admin")
        let hash = try #require(try centre.daemon.database.credentials(of: OfficerID("leader"))?.passwordHash)
        #expect(hash.hasPrefix("$2"))
        var seen: [String] = try await centre.application.test(.router) { client in
            var seen: [String] = []
            var wrong = Browser()
            // A password typed into the name field, and a wrong one.
            seen.append(String(buffer: try await wrong.login(client, secret, secret).body))
            seen.append(String(buffer: try await wrong.login(client, "leader", secret + "x").body))
            var admin = try await Browser.signedIn(client, as: "admin")
            var leader = Browser()
            #expect(try await leader.login(client, "leader", secret).status == .seeOther)
            for uri in [
                "/admin/audit", "/reports", "/api/export?from=2020-01-01&to=2030-12-31&by=officer&format=json",
                "/api/export?from=2020-01-01&to=2030-12-31&rows=tickets", "/health",
            ] {
                seen.append(String(buffer: try await admin.get(client, uri).body))
            }
            return seen
        }
        seen += centre.log.all.map { "\($0.message) \($0.metadata)" }
        seen += try centre.daemon.database.auditLog(limit: 1000).map { "\($0.actor) \($0.action) \($0.detail)" }
        #expect(seen.count > 10)
        for text in seen {
            #expect(!text.contains(secret), "the password in: \(text.prefix(300))")
            #expect(!text.contains(hash) && !text.contains(String(hash.dropFirst(7))), "the hash in: \(text.prefix(300))")
        }
        // The audit log did hear of the failures and the login.
        let actions = try centre.daemon.database.auditLog(limit: 1000).map(\.action)
        #expect(actions.contains("audit.loginFailed"))
        #expect(actions.contains("audit.loginSucceeded"))
        #expect(actions.contains("audit.exportDownloaded"))
    }
}
