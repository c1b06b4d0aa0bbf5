import Foundation
import Glibc
import KioskCore
import KioskDevices
import KioskTestSupport
import Testing

/// Issue 21's attacks on the hall's box, each run against the real daemon as it was reproduced,
/// each asserting that it now fails. (The province's are in `ProvinceTests` and
/// `KioskProvinceTests/ProvinceTrustTests`, against a private PostgreSQL.)
@Suite(.serialized) struct AttackTests {
    /// A browser signed in to the staff pages of a running daemon: its session cookie and the
    /// page's CSRF token.
    struct Staff {
        let port: Int
        var cookie: String
        var csrf: String

        /// The login form's token, from the page and its cookie, as a browser holds them.
        static func loginForm(port: Int) throws -> (cookie: String, token: String) {
            let page = try HTTP.request(port: port, "GET", "/login")
            let token = page.body.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
            return ("kiosk_login=\(token)", String(token))
        }

        static func loginRequest(
            port: Int, user: String, password: String, form: (cookie: String, token: String),
            next: String? = nil
        ) -> (String, String, [String: String], String) {
            let encode = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
            let body =
                "username=\(encode(user))&password=\(encode(password))&csrf=\(form.token)" + (next.map { "&next=\(encode($0))" } ?? "")
            return (
                "POST", "/login",
                [
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": form.cookie,
                    "Origin": "http://127.0.0.1:\(port)",
                ], body
            )
        }

        /// Logs in; the reply to the form, and the signed-in browser when it worked.
        static func login(port: Int, user: String, password: String, next: String? = nil) throws -> (HTTP.Reply, Staff?) {
            let (method, path, headers, body) = loginRequest(
                port: port, user: user, password: password, form: try loginForm(port: port), next: next)
            let reply = try HTTP.request(port: port, method, path, headers: headers, body: body)
            guard reply.status == 303,
                let session = reply.head.split(separator: "\r\n")
                    .first(where: { $0.lowercased().hasPrefix("set-cookie: kiosk_session=") })
                    .map({ String($0.dropFirst("set-cookie: ".count).split(separator: ";")[0]) })
            else { return (reply, nil) }
            let home = try HTTP.request(port: port, "GET", location(reply) ?? "/", headers: ["Cookie": session])
            let csrf = home.body.components(separatedBy: "name=\"csrf\" content=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
            return (reply, Staff(port: port, cookie: session, csrf: String(csrf)))
        }

        static func location(_ reply: HTTP.Reply) -> String? {
            reply.head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location: ") }.map {
                String($0.dropFirst("location: ".count))
            }
        }

        func get(_ path: String) throws -> HTTP.Reply {
            try HTTP.request(port: port, "GET", path, headers: ["Cookie": cookie])
        }

        func action(_ json: String) throws -> HTTP.Reply {
            try HTTP.request(
                port: port, "POST", "/api/officer/action",
                headers: [
                    "Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json", "Origin": "http://127.0.0.1:\(port)",
                ],
                body: json)
        }
    }

    func account(_ centre: TestCentre, _ id: String, role: String, password: String) throws {
        let added = try centre.kiosk.run(
            ["account", "add", "--config", centre.config, "--role", role, "--password-stdin", id, "Người \(id)"],
            input: password + "\n")
        guard added.status == 0 else { throw TestFailure("account add \(id): \(added.err)") }
    }

    /// Thirty wrong passwords sent together for one account: at most five are checked (the
    /// rest answer "locked" without bcrypt), the right password then waits out the lock, and
    /// from one address thirty wrong names check at most `failures_per_address` of them.
    @Test func aParallelLoginBurstChecksAtMostFivePasswords() throws {
        let centre = try TestCentre("burst", extra: "[accounts]\nbcrypt_cost = 10\nfailures_per_address = 10")
        try account(centre, "lanh.dao", role: "leader", password: "mật khẩu đúng 2026")
        try centre.start()
        defer { centre.stop() }
        let form = try Staff.loginForm(port: centre.port)
        let wrong = (0..<30).map { i in Staff.loginRequest(port: centre.port, user: "lanh.dao", password: "sai mật khẩu \(i)", form: form) }
        let replies = try HTTP.burst(port: centre.port, wrong, from: "127.0.0.2")
        let checked = replies.filter { $0.status == 401 }.count
        #expect(checked <= 5 && checked >= 1, "wrong passwords checked: \(checked) of 30")
        #expect(replies.filter { $0.status == 429 }.count == 30 - checked, "\(replies.map(\.status))")
        #expect(
            try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT count(*) FROM event WHERE kind = 'audit.loginFailed'") == String(checked))
        let (locked, _) = try Staff.login(port: centre.port, user: "lanh.dao", password: "mật khẩu đúng 2026")
        #expect(locked.status == 429, "the right password waits out the lock")

        // One address trying many names: at most ten are checked (failures_per_address), and an
        // unknown name answers like a locked one would.
        let names = (0..<30).map { i in Staff.loginRequest(port: centre.port, user: "khong.co.\(i)", password: "thử \(i) lần", form: form) }
        let guessed = try HTTP.burst(port: centre.port, names, from: "127.0.0.3")
        #expect(guessed.filter { $0.status == 401 }.count <= 10, "\(guessed.map(\.status))")
        #expect(guessed.filter { $0.status == 429 }.count >= 20)
    }

    /// `next=` after a real login stays on the box, whatever the browser would make of it.
    @Test func aLoginNeverRedirectsOffTheBox() throws {
        let centre = try TestCentre("redirect")
        try account(centre, "lanh.dao", role: "leader", password: "mật khẩu đúng 2026")
        try centre.start()
        defer { centre.stop() }
        for next in [
            "/\t/evil.example/", "/\\evil.example", "//evil.example", "/\n/evil.example", "/\r\n/evil.example", " //evil.example",
            "/%09/evil.example/", "\\\\evil.example", "https://evil.example/", "/\u{0}/evil.example", "/ /evil.example",
        ] {
            let (reply, staff) = try Staff.login(port: centre.port, user: "lanh.dao", password: "mật khẩu đúng 2026", next: next)
            #expect(reply.status == 303 && staff != nil)
            let location = Staff.location(reply) ?? ""
            #expect(
                location == "/dashboard"
                    || (location.hasPrefix("/") && !location.hasPrefix("//") && !location.contains("\\")
                        && !location.contains("\t") && URL(string: location, relativeTo: URL(string: "http://box/"))?.host == "box"),
                "next=\(next.debugDescription) → Location: \(location.debugDescription)")
        }
        // An ordinary path is kept.
        let (kept, _) = try Staff.login(
            port: centre.port, user: "lanh.dao", password: "mật khẩu đúng 2026", next: "/reports?period=2026-Q3")
        #expect(Staff.location(kept) == "/reports?period=2026-Q3")
    }

    /// An officer reading their figures after each citizen's press learns nothing press by press:
    /// every route (the export in each format, the reports page, the officer page) moves in blocks
    /// of five, and no route gives a day's figures or a row.
    @Test func anOfficerCannotReadASingleVote() throws {
        let centre = try TestCentre(
            "votes",
            extra: """
                [[keypads]]
                name = "rating-1"
                role = "rating"
                counter = 1
                path = "rating-1.keypad"
                keys = { KEY_KP1 = 1, KEY_KP2 = 2, KEY_KP3 = 3 }
                [rating]
                handover_seconds = 0
                burst_presses = 0
                """)
        #expect(mkfifo("\(centre.folder)/rating-1.keypad", 0o600) == 0)
        try account(centre, "an", role: "officer", password: "cán bộ An 2026")
        try centre.start()
        defer { centre.stop() }
        #expect(try centre.request("sign-in 1 an").hasPrefix("ok"))
        let (_, signed) = try Staff.login(port: centre.port, user: "an", password: "cán bộ An 2026")
        let officer = try #require(signed)
        let today = DateText.format(Date(), in: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, "yyyy-MM-dd")

        func counts(_ path: String) throws -> [Int] {
            let reply = try officer.get(path)
            let json = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
            let rows = json?["rows"] as? [[String: Any]] ?? []
            return rows.first?["levelCounts"] as? [Int] ?? [0, 0, 0]
        }
        var seen: [[Int]] = []
        for (i, level) in [3, 1, 3, 2, 1, 3].enumerated() {
            #expect(try centre.request("issue A").hasPrefix("ok"))
            #expect(try centre.request("next 1").contains("(calling "))
            let now = Date().timeIntervalSince1970
            try InputEventWriter.write(
                InputEvent.tap(
                    code: UInt16(78 + level), seconds: Int64(now),
                    microseconds: Int64(now.truncatingRemainder(dividingBy: 1) * 1e6)),
                to: "\(centre.folder)/rating-1.keypad")
            try eventually(5, "vote \(i + 1) stored") {
                try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT count(*) FROM rating WHERE flag IS NULL") == String(i + 1)
            }
            for path in [
                "/api/export?from=\(today)&to=\(today)&by=month&format=json",
                "/api/export?from=\(today)&to=\(today)&by=officer&format=json",
                "/api/export?from=\(today)&to=\(today)&by=year&format=json",
            ] {
                let c = try counts(path)
                #expect(c.reduce(0, +) == (i + 1) / 5 * 5, "after press \(i + 1), \(path): \(c)")
                if path.contains("month") { seen.append(c) }
            }
        }
        #expect(seen[4] == [2, 1, 2], "the first five, whole: \(seen)")
        #expect(Set(seen.prefix(4).map { $0.description }) == ["[0, 0, 0]"])
        #expect(seen[5] == seen[4], "the sixth waits for four more")
        // The officer page's own figures, the same blocks.
        let state = try officer.get("/api/officer/state").body
        #expect(state.contains("\"ratingsShown\":5") || state.contains("\"ratingsShown\" : 5"), "\(state.prefix(600))")
        // No day's figures, no rows, no other grouping.
        for path in [
            "by=day", "rows=tickets", "rows=ratings", "rows=dossiers", "by=service", "by=counter", "by=month&service=A",
            "by=month&counter=1",
        ] {
            let reply = try officer.get("/api/export?from=\(today)&to=\(today)&\(path)&format=json")
            #expect(reply.status == 403, "\(path): \(reply.status)")
        }
        // The CSV and the workbook come from the same rule.
        let csv = try officer.get("/api/export?from=\(today)&to=\(today)&by=month&format=csv").body
        #expect(csv.contains(",2,1,2,"), "\(csv)")
    }

    /// An officer cannot sign in at a counter another officer holds, so cannot mark that
    /// officer's citizen as a no-show.
    @Test func anOfficerCannotTakeAnotherOfficersCounter() throws {
        let centre = try TestCentre("takeover")
        try account(centre, "an", role: "officer", password: "cán bộ An 2026")
        try account(centre, "binh", role: "officer", password: "cán bộ Bình 2026")
        try centre.start()
        defer { centre.stop() }
        let an = try #require(try Staff.login(port: centre.port, user: "an", password: "cán bộ An 2026").1)
        let binh = try #require(try Staff.login(port: centre.port, user: "binh", password: "cán bộ Bình 2026").1)
        #expect(try an.action(#"{"action": "sign-in", "counter": 1}"#).status == 200)
        #expect(try centre.request("issue A").hasPrefix("ok"))
        #expect(try an.action(#"{"action": "next"}"#).status == 200)
        let taken = try binh.action(#"{"action": "sign-in", "counter": 1}"#)
        #expect(taken.status == 409 && taken.body.contains("đang làm việc tại quầy số 1"), "\(taken.body)")
        #expect(try binh.action(#"{"action": "no-show"}"#).status == 409)
        #expect(try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT status, officer FROM ticket") == "called|an")
        // Once An signs out, Bình may sit there.
        #expect(try an.action(#"{"action": "sign-out"}"#).status == 200)
        #expect(try binh.action(#"{"action": "sign-in", "counter": 1}"#).status == 200)
        // Bình goes home without signing out: the admin frees the counter for An.
        try account(centre, "quan.tri", role: "admin", password: "quản trị 2026!")
        let admin = try #require(try Staff.login(port: centre.port, user: "quan.tri", password: "quản trị 2026!").1)
        #expect(try admin.get("/admin/devices").body.contains("Cho rời quầy"))
        let freed = try HTTP.request(
            port: centre.port, "POST", "/admin/counters/sign-out",
            headers: [
                "Cookie": admin.cookie, "Content-Type": "application/x-www-form-urlencoded",
                "Origin": "http://127.0.0.1:\(centre.port)",
            ], body: "csrf=\(admin.csrf)&counter=1")
        #expect(freed.status == 303 && (Staff.location(freed) ?? "").contains("message="), "\(freed.head)")
        #expect(try an.action(#"{"action": "sign-in", "counter": 1}"#).status == 200)
    }

    /// An officer toggling sign-in as fast as the box answers gets at most a minute's share of
    /// changes; the database's fill is warned of at 80 and 95 %, and when it is full a
    /// citizen's ticket is refused in Vietnamese, never with SQLite's words.
    @Test func fillingTheDatabaseIsStoppedWarnedOfAndExplained() throws {
        let centre = try TestCentre("fill", extra: "[accounts]\nactions_per_minute = 20")
        try centre.rewrite { $0.replacingOccurrences(of: "path = \"kiosk.sqlite\"", with: "path = \"kiosk.sqlite\"\nmax_size_mb = 2") }
        try account(centre, "an", role: "officer", password: "cán bộ An 2026")
        try centre.start()
        defer { centre.stop() }
        let an = try #require(try Staff.login(port: centre.port, user: "an", password: "cán bộ An 2026").1)
        var statuses: [Int] = []
        for i in 0..<60 {
            statuses.append(try an.action(i % 2 == 0 ? #"{"action": "sign-in", "counter": 1}"# : #"{"action": "sign-out"}"#).status)
        }
        #expect(statuses.filter { $0 == 200 }.count == 20, "\(statuses)")
        #expect(statuses.dropFirst(20).allSatisfy { $0 == 429 })

        // Another program fills the file (the daemon's own cap holds only its own writes).
        let database = "\(centre.folder)/kiosk.sqlite"
        func fill(to percent: Int) throws {
            let used =
                Int(
                    try sqlite(
                        database,
                        "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()"
                    )) ?? 0
            let wanted = 2 * 1_048_576 * percent / 100 - used
            if wanted > 0 {
                _ = try sqlite(database, "CREATE TABLE IF NOT EXISTS filler (x BLOB); INSERT INTO filler VALUES (zeroblob(\(wanted)))")
            }
        }
        func health() throws -> [String: Any] {
            (try JSONSerialization.jsonObject(with: Data(try HTTP.request(port: centre.port, "GET", "/health").body.utf8)) as? [String: Any])
                ?? [:]
        }
        try fill(to: 82)
        let origin = ["Content-Type": "application/json", "Origin": "http://127.0.0.1:\(centre.port)"]
        #expect(
            try HTTP.request(port: centre.port, "POST", "/api/kiosk/tickets", headers: origin, body: #"{"service": "A"}"#).status == 201)
        let at80 = try health()["databaseSpace"] as? [String: Any]
        #expect(at80?["level"] as? Int == 80, "\(String(describing: at80))")
        #expect(centre.runLog.contains("the database is filling up"))
        try fill(to: 96)
        let at95 = try health()
        #expect((at95["databaseSpace"] as? [String: Any])?["level"] as? Int == 95 && at95["status"] as? String == "degraded", "\(at95)")
        try fill(to: 101)
        // Pages with room left take a few more; then a citizen's ticket is refused.
        var replies: [String] = []
        for _ in 0..<500 {
            let reply = try centre.request("issue A")
            replies.append(reply)
            if !reply.hasPrefix("ok") { break }
        }
        #expect(replies.last?.contains("database or disk is full") == true, "\(replies.suffix(2))")
        let refused = try HTTP.request(port: centre.port, "POST", "/api/kiosk/tickets", headers: origin, body: #"{"service": "B"}"#)
        #expect(refused.status == 500)
        #expect(
            refused.body.contains("Vui lòng báo cán bộ") && !refused.body.contains("SQLite") && !refused.body.contains("full"),
            "\(refused.body)")
        let admin = try HTTP.request(port: centre.port, "GET", "/health").body
        #expect(admin.contains("database or disk is full"), "staff still see why: \(admin.prefix(800))")
    }

    /// A range that wraps while its first numbers still wait: those numbers are skipped, and
    /// when every number is held the ticket is refused and /health says the range is too small.
    /// The staff commands name the one live ticket.
    @Test func aWrappedRangeNeverGivesALiveNumberTwice() throws {
        let centre = try TestCentre("wrap")
        try centre.rewrite { $0.replacingOccurrences(of: "prefix = \"A\"", with: "prefix = \"A\"\nlast_number = 3") }
        try centre.start()
        defer { centre.stop() }
        let issued = try (0..<3).map { _ in try centre.request("issue A") }
        #expect(issued.allSatisfy { $0.hasPrefix("ok") }, "\(issued)")
        let full = try centre.request("issue A")
        #expect(full.contains("every number of service A (A1–A3) is held"), "\(full)")
        let health = try HTTP.request(port: centre.port, "GET", "/health").body
        #expect(health.contains("đã hết") && health.contains("\"status\":\"degraded\""), "\(health)")
        // A2 leaves; the next number after A3 skips A1, still waiting, and takes A2 again.
        #expect(try centre.request("void A2 nobody").hasPrefix("ok"))
        #expect(try centre.request("issue A").hasPrefix("ok"))
        #expect(
            try sqlite(
                "\(centre.folder)/kiosk.sqlite",
                "SELECT group_concat(display || ':' || status, ' ') FROM (SELECT * FROM ticket ORDER BY id)")
                == "A1:waiting A2:voided A3:waiting A2:waiting")
        // "void A2" names the waiting A2, not the voided one.
        #expect(try centre.request("void A2 nobody came").hasPrefix("ok"))
        #expect(
            try sqlite(
                "\(centre.folder)/kiosk.sqlite",
                "SELECT group_concat(status, ' ') FROM (SELECT * FROM ticket WHERE display = 'A2' ORDER BY id)")
                == "voided voided")
    }

    /// The clock set back (a box that ran two days ahead, then fixed) while the daemon was
    /// stopped: the corrected day starts at once, numbered from its own start, and the step is
    /// in the log, /health and /metrics. When the later day comes for real, it goes on after
    /// its own last number.
    @Test func aClockSetBackStartsTheRightDay() throws {
        let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
        guard FileManager.default.fileExists(atPath: library) else {
            Issue.record("libfaketime is not installed: scripts/test installs faketime")
            return
        }
        let centre = try TestCentre("clock")
        let clock = "\(centre.folder)/faketime"
        let faked = [
            "LD_PRELOAD": library, "FAKETIME_TIMESTAMP_FILE": clock, "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        ]
        // Two days ahead: 5 December, 09:00 in Hanoi.
        try "@2026-12-05 02:00:00\n".write(toFile: clock, atomically: true, encoding: .utf8)
        try centre.start(environment: faked)
        func issue() throws -> String {
            #expect(try centre.request("issue A").hasPrefix("ok"))
            return try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT day || ' ' || display FROM ticket ORDER BY id DESC LIMIT 1")
        }
        #expect(try issue() == "2026-12-05 A001")
        #expect(try issue() == "2026-12-05 A002")
        centre.stop()
        // Fixed: 3 December, 09:30.
        try "@2026-12-03 02:30:00\n".write(toFile: clock, atomically: true, encoding: .utf8)
        try centre.start(environment: faked)
        defer { centre.stop() }
        #expect(try issue() == "2026-12-03 A001", "3 December starts now, not when the 5th is over")
        #expect(centre.runLog.contains("the system clock is behind the newest stored event"))
        let health =
            try JSONSerialization.jsonObject(with: Data(try HTTP.request(port: centre.port, "GET", "/health").body.utf8)) as? [String: Any]
        let step = health?["clock"] as? [String: Any]
        #expect(step?["steps"] as? Int == 1 && (step?["lastStepSeconds"] as? Double ?? 0) < -86400, "\(String(describing: step))")
        #expect((step?["detail"] as? String ?? "").contains("chỉnh lùi 1 ngày 23 giờ 30 phút"), "\(String(describing: step))")
        #expect(try HTTP.request(port: centre.port, "GET", "/metrics").body.contains("kiosk_clock_steps_total 1"))
        // The 5th comes for real while it runs: it goes on after A002.
        try "@2026-12-05 03:00:00\n".write(toFile: clock, atomically: true, encoding: .utf8)
        #expect(try issue() == "2026-12-05 A003")
    }

    /// Backups hold every account's hash and the audit log: written for their owner only, and
    /// the session table keeps no id a reader could sign in with.
    @Test func backupsAreTheOwnersAndSessionsAreHashes() throws {
        let centre = try TestCentre("private")
        try account(centre, "quan.tri", role: "admin", password: "quản trị 2026!")
        try centre.start()
        defer { centre.stop() }
        let admin = try #require(try Staff.login(port: centre.port, user: "quan.tri", password: "quản trị 2026!").1)
        let id = String(admin.cookie.dropFirst("kiosk_session=".count))
        #expect(try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT count(*) FROM session WHERE id = '\(id)'") == "0")
        #expect(try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT count(*) FROM session") == "1")
        #expect(try admin.get("/admin/accounts").status == 200, "the cookie still works")
        let copy = "\(centre.folder)/backup.sqlite"
        let made = try centre.kiosk.run(["backup", "--config", centre.config, "--to", copy])
        #expect(made.status == 0, "\(made.err)")
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600, "backup mode \(String(mode ?? 0, radix: 8))")
    }

    /// A dossier code made to become a formula where Excel splits on `;`: no cell of the export
    /// starts a formula, whichever separator a spreadsheet uses.
    @Test func aDossierCodeNeverBecomesAFormula() throws {
        let centre = try TestCentre("formula")
        try account(centre, "an", role: "officer", password: "cán bộ An 2026")
        try account(centre, "lanh.dao", role: "leader", password: "lãnh đạo 2026")
        try centre.start()
        defer { centre.stop() }
        let an = try #require(try Staff.login(port: centre.port, user: "an", password: "cán bộ An 2026").1)
        #expect(try an.action(#"{"action": "sign-in", "counter": 1}"#).status == 200)
        #expect(try centre.request("issue A").hasPrefix("ok"))
        #expect(try an.action(#"{"action": "next"}"#).status == 200)
        let linked = try an.action(#"{"action": "dossier", "code": "x;=HYPERLINK(\"http://evil.example\";\"x\")"}"#)
        #expect(linked.status == 200, "\(linked.body)")
        let leader = try #require(try Staff.login(port: centre.port, user: "lanh.dao", password: "lãnh đạo 2026").1)
        let today = DateText.format(Date(), in: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, "yyyy-MM-dd")
        for rows in ["dossiers", "tickets"] {
            let csv = try leader.get("/api/export?from=\(today)&to=\(today)&rows=\(rows)").body
            #expect(csv.contains("x;'=HYPERLINK"), "\(rows): \(csv)")
            for separator in [",", ";", "\t", "|"] {
                for line in csv.split(separator: "\r\n") {
                    let cells = line.split(separator: Character(separator), omittingEmptySubsequences: false)
                        .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
                    #expect(
                        !cells.contains { $0.hasPrefix("=") || $0.hasPrefix("+") || $0.hasPrefix("@") },
                        "\(rows), split on \(separator): \(line)")
                }
            }
        }
    }

    /// Logins sent 16 at a time, without end, at one account and under made-up names, all from
    /// one address: the passwords checked never pass the limits (failures_per_address in each
    /// ten minutes; the account's lock), and the hall's pages keep answering. `scripts/soak`
    /// sends 100,000 (KIOSK_LOGIN_ATTEMPTS); here 3,000.
    @Test func aFloodOfLoginsNeverPassesTheLimits() throws {
        let attempts = ProcessInfo.processInfo.environment["KIOSK_LOGIN_ATTEMPTS"].flatMap { Int($0) } ?? 3_000
        let centre = try TestCentre("flood", extra: "[accounts]\nbcrypt_cost = 10")
        try account(centre, "lanh.dao", role: "leader", password: "mật khẩu đúng 2026")
        try centre.start()
        defer { centre.stop() }
        let form = try Staff.loginForm(port: centre.port)
        let started = Date()
        var statuses: [Int: Int] = [:]
        var sent = 0
        var slowestHealth = 0.0
        while sent < attempts {
            // 16 at a time: well within the 32 connections one address may hold, whatever the
            // daemon has not closed yet of the burst before.
            let burst = (0..<min(16, attempts - sent)).map { i in
                Staff.loginRequest(
                    port: centre.port, user: i % 2 == 0 ? "lanh.dao" : "khong.co.\(sent + i)", password: "đoán \(sent + i)", form: form)
            }
            for reply in try HTTP.burst(port: centre.port, burst, from: "127.0.0.4") { statuses[reply.status, default: 0] += 1 }
            sent += burst.count
            if sent % 592 < 16 {
                let t = Date()
                #expect(try HTTP.request(port: centre.port, "GET", "/health").status == 200)
                slowestHealth = max(slowestHealth, Date().timeIntervalSince(t))
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let checked = statuses[401, default: 0]
        let allowed = 20 * Int((seconds / 600).rounded(.up))
        print(
            "login flood: \(sent) attempts in \(String(format: "%.0f", seconds)) s (\(String(format: "%.0f", Double(sent) / seconds))/s), "
                + "passwords checked \(checked) (the limits allow \(allowed)), answered locked \(statuses[429, default: 0]), "
                + "other \(sent - checked - statuses[429, default: 0]), slowest /health meanwhile \(String(format: "%.0f", slowestHealth * 1000)) ms"
        )
        #expect(checked <= allowed, "\(statuses)")
        #expect(statuses[429, default: 0] == sent - checked, "every other attempt answered 429: \(statuses)")
        #expect(Int(try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT count(*) FROM event WHERE kind = 'audit.loginSucceeded'")) == 0)
    }

    /// Logs in over HTTPS with Python's own TLS client, the certificate checked against `ca`.
    static func httpsLogin(port: Int, ca: String, user: String, password: String) throws -> [String: Any] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Attacks/https_login.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, "127.0.0.1", "\(port)", ca, user, password]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? ["error": String(decoding: data, as: UTF8.self)]
    }

    /// With a certificate in `[http]`, the staff log in over HTTPS only: a page over plain HTTP
    /// is sent there, a login posted in clear is refused, the session cookie is `Secure` and
    /// HTTPS answers carry HSTS. The hall's display stays on plain HTTP for the TV.
    @Test func theStaffPagesGoOverHTTPSWhenConfigured() throws {
        let centre = try TestCentre("https")
        try TestCertificates.make(in: centre.folder)
        let tlsPort = freeLocalPort()
        try centre.rewrite {
            $0.replacingOccurrences(
                of: "bind = \"127.0.0.1:\(centre.port)\"",
                with: """
                    bind = "127.0.0.1:\(centre.port)"
                    tls_bind = "127.0.0.1:\(tlsPort)"
                    tls_certificate = "server.crt"
                    tls_key = "server.key"
                    """)
        }
        try account(centre, "lanh.dao", role: "leader", password: "mật khẩu đúng 2026")
        try centre.start()
        defer { centre.stop() }
        try eventually(10, "the HTTPS listener") { centre.runLog.contains("staff pages ready over HTTPS") }
        let plain = try HTTP.request(port: centre.port, "GET", "/login")
        #expect(plain.status == 301 && plain.head.contains("Location: https://127.0.0.1:\(tlsPort)/login"), "\(plain.head)")
        let posted = try HTTP.request(
            port: centre.port, "POST", "/login",
            headers: [
                "Origin": "http://127.0.0.1:\(centre.port)",
                "Content-Type": "application/x-www-form-urlencoded",
            ], body: "username=lanh.dao&password=x")
        #expect(posted.status == 403, "no password travels in clear")
        #expect(try HTTP.request(port: centre.port, "GET", "/display").status == 200, "the hall's TV stays on plain HTTP")
        let login = try Self.httpsLogin(port: tlsPort, ca: "\(centre.folder)/ca.crt", user: "lanh.dao", password: "mật khẩu đúng 2026")
        #expect(login["get"] as? Int == 200 && login["post"] as? Int == 303 && login["location"] as? String == "/dashboard", "\(login)")
        #expect((login["hsts"] as? String ?? "").hasPrefix("max-age="), "\(login)")
        let cookies = login["cookies"] as? [String] ?? []
        #expect(cookies.contains { $0.hasPrefix("kiosk_session=") && $0.hasSuffix("; Secure") && $0.contains("HttpOnly") }, "\(cookies)")
    }
}
