import Foundation
import Glibc
import KioskCore
import KioskSampleData
import KioskStore
import KioskTestSupport
import Synchronization
import Testing

/// Real daemons reporting to a real PostgreSQL (a private server in a temporary folder):
/// two centres in one province, an outage in the middle of the hall's day, a box that was
/// offline for three days, and the three ways a connection is refused.
@Suite(.serialized) struct ProvinceTests {
    /// A centre of the province: `TestCentre` with its code and a `[province]` section, enrolled
    /// as the province office does it (`kiosk-province centre add`, whose printed URL the box
    /// takes, with the province's CA as `ca_file`). `configCode`: another code in its config.
    func centre(_ name: String, code: String, server: PrivatePostgres, passwordFile: String? = nil, configCode: String? = nil) throws
        -> TestCentre
    {
        let centre = try TestCentre(name)
        let own = "\(centre.folder)/province-password"
        let added = try KioskBinary("kiosk-province").run([
            "centre", "add", "--url", server.url, "--password-file", server.passwordFile,
            "--box-password-out", own, code, "Trung tâm \(name)",
        ])
        guard added.status == 0 else { throw TestFailure("centre add \(code): \(added.err)") }
        let printed = String(decoding: added.out, as: UTF8.self)
        guard let url = printed.split(separator: "\n").first(where: { $0.hasPrefix("url = ") }) else {
            throw TestFailure("centre add printed no url: \(printed)")
        }
        try centre.rewrite {
            $0.replacingOccurrences(of: "[centre]\n", with: "[centre]\ncode = \"\(configCode ?? code)\"\n")
                + "\n[province]\n\(url)\npassword_file = \"\(passwordFile ?? own)\"\nca_file = \"\(server.caFile)\"\n"
                + "interval_seconds = 1\nmax_backoff_seconds = 1\nanswer_seconds = 3\n"
        }
        return centre
    }

    /// `days` of history in the centre's database, through the daemon's own event log.
    @discardableResult
    func history(_ centre: TestCentre, from: LocalDay, days: Int, seed: UInt64) throws -> SampleEvents.Made {
        let database = try KioskDatabase(path: "\(centre.folder)/kiosk.sqlite")
        var sample = SampleEvents()
        sample.services = [ServiceCode("A"), ServiceCode("B")]
        sample.counters = 2
        sample.seed = seed
        return try sample.append(to: database, from: from, days: days)
    }

    /// The `province` part of the centre's `/health`.
    func link(_ centre: TestCentre) throws -> [String: Any] {
        let health = try HTTP.request(port: centre.port, "GET", "/health")
        let json = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
        return json?["province"] as? [String: Any] ?? [:]
    }

    /// Until the box says the province holds its newest event.
    func caughtUp(_ centre: TestCentre, within seconds: Double = 30) throws {
        let newest = try KioskDatabase(path: "\(centre.folder)/kiosk.sqlite").lastEvent().seq
        try eventually(seconds, "the province to hold every event of \(centre.folder)") {
            let l = try link(centre)
            return l["state"] as? String == "connected" && (l["position"] as? Int).map(Int64.init) == newest
        }
    }

    func localEvents(_ centre: TestCentre) throws -> Int {
        try KioskDatabase(path: "\(centre.folder)/kiosk.sqlite").eventCount()
    }

    func central(_ server: PrivatePostgres, _ arguments: [String], kiosk: KioskBinary) throws -> String {
        let result = try KioskBinary("kiosk-province").run(arguments + ["--url", server.url, "--password-file", server.passwordFile])
        guard result.status == 0 else { throw TestFailure("kiosk-province \(arguments.joined(separator: " ")): \(result.err)") }
        return String(decoding: result.out, as: UTF8.self)
    }

    /// The centre's sync, `kiosk-province sync`, as its own service runs it beside the daemon.
    final class Sync {
        let process: Process
        let log: String
        init(_ centre: TestCentre) throws {
            log = "\(centre.folder)/sync-\(UUID().uuidString.prefix(4)).log"
            process = try KioskBinary("kiosk-province").start(["sync", "--config", centre.config], log: log)
        }
        var text: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }
        deinit { stop() }
    }

    /// A CSV's lines after its title row.
    func rows(_ csv: String) -> [Substring] { Array(csv.split(separator: "\r\n").dropFirst()) }

    @Test func twoCentresReportToOneServerAndEachReportEqualsItsOwnExport() throws {
        let server = try PrivatePostgres()
        let kiosk = try KioskBinary()
        #expect(try central(server, ["migrate"], kiosk: kiosk).contains("applied migration 1, 2"))
        let north = try centre("north", code: "26.0101", server: server)
        let south = try centre("south", code: "26.0102", server: server)
        try history(north, from: LocalDay(year: 2026, month: 6, day: 1), days: 6, seed: 11)
        try history(south, from: LocalDay(year: 2026, month: 6, day: 3), days: 4, seed: 12)
        try north.start()
        try south.start()
        let syncs = [try Sync(north), try Sync(south)]
        defer {
            north.stop()
            south.stop()
            syncs.forEach { $0.stop() }
        }
        // Today's hall, on both: tickets issued, called and finished while the sync runs.
        for c in [north, south] {
            try c.officer("an", signInAt: 1)
            for _ in 0..<3 { #expect(try c.request("issue A").hasPrefix("ok")) }
            #expect(try c.request("next 1").contains("(calling "))
            #expect(try c.request("finish 1").hasPrefix("ok"))
        }
        try caughtUp(north)
        try caughtUp(south)
        for (c, code) in [(north, "26.0101"), (south, "26.0102")] {
            let local = try localEvents(c)
            #expect(
                try server.psql("SELECT count(*), count(DISTINCT seq), max(seq) FROM event WHERE centre = '\(code)'")
                    == "\(local)|\(local)|\(local)")
            for by in ["officer", "service", "counter", "day", "month"] {
                let period = ["--from", "2026-01-01", "--to", "2026-12-31", "--by", by]
                let own = try c.kiosk.run(["export", "--config", c.config] + period)
                let province = try central(server, ["report", "--centre", code] + period, kiosk: kiosk)
                #expect(rows(province) == rows(String(decoding: own.out, as: UTF8.self)), "\(code) by \(by)")
                #expect(rows(province).count > 1)
            }
        }
        let ranking = try central(server, ["report", "--period", "2026", "--by", "centre", "--rank", "--format", "json"], kiosk: kiosk)
        let document = try JSONSerialization.jsonObject(with: Data(ranking.utf8)) as? [String: Any]
        let ranked = document?["rows"] as? [[String: Any]] ?? []
        #expect(Set(ranked.compactMap { $0["centre"] as? String }) == ["26.0101", "26.0102"])
        #expect(ranked.compactMap { $0["rank"] as? Int } == [1, 2])
        #expect(ranked.allSatisfy { ($0["rated"] as? Int ?? 0) > 0 && ($0["finished"] as? Int ?? 0) > 0 })
    }

    /// The server goes away in the middle of a stream of presses and comes back: every
    /// event arrives once, and the hall's commands took no longer while it was away. Some
    /// 500 commands here (seconds); `scripts/soak` makes it 15,000, about three minutes
    /// (KIOSK_PROVINCE_OUTAGE_COMMANDS).
    @Test func anOutageInTheMiddleOfTheDayLosesNothingAndSlowsNothing() throws {
        let server = try PrivatePostgres()
        let kiosk = try KioskBinary()
        _ = try central(server, ["migrate"], kiosk: kiosk)
        let hall = try centre("outage", code: "26.0301", server: server)
        try hall.start()
        let sync = try Sync(hall)
        defer {
            hall.stop()
            sync.stop()
        }
        try hall.officer("an", signInAt: 1)
        try caughtUp(hall)

        let phase = Mutex(0)  // 0 before, 1 while the server is away, 2 after
        let timings = Mutex<[Int: [Double]]>([:])
        let stop = Atomic(false)
        let presses = Thread {
            while !stop.load(ordering: .relaxed) {
                for command in ["issue A", "next 1", "finish 1"] {
                    let start = Date()
                    _ = try? hall.request(command)
                    let seconds = Date().timeIntervalSince(start)
                    let p = phase.withLock { $0 }
                    timings.withLock { $0[p, default: []].append(seconds) }
                }
                usleep(20_000)
            }
        }
        presses.start()
        func commands(in phase: Int) -> Int { timings.withLock { $0[phase]?.count ?? 0 } }
        try eventually(30, "the hall working online") { commands(in: 0) >= 60 }
        try server.stop()
        phase.withLock { $0 = 1 }
        do {
            try eventually(15, "the box to see the server gone") { try link(hall)["state"] as? String == "offline" }
        } catch {
            throw TestFailure("\(error); the box says \(try link(hall)); log: \(hall.runLog.suffix(2000))")
        }
        // The outage lasts while the hall answers this many commands (some 80 a second): long
        // enough for the sync's backoff to try again several times.
        let outage = ProcessInfo.processInfo.environment["KIOSK_PROVINCE_OUTAGE_COMMANDS"].flatMap { Int($0) } ?? 500
        try eventually(Double(outage) / 10 + 60, "the hall working through the outage") { commands(in: 1) >= outage }
        let away = try link(hall)
        #expect((away["eventsBehind"] as? Int ?? 0) > 0, "\(away)")
        #expect((away["lastError"] as? String ?? "").contains("127.0.0.1"), "\(away)")
        try server.start()
        phase.withLock { $0 = 2 }
        try eventually(30, "the hall working with the server back") { commands(in: 2) >= 60 }
        stop.store(true, ordering: .relaxed)
        while !presses.isFinished { usleep(10_000) }
        try caughtUp(hall)

        let metrics = try HTTP.request(port: hall.port, "GET", "/metrics").body
        #expect(metrics.contains("kiosk_province_connected 1") && metrics.contains("kiosk_province_events_behind 0"), "\(metrics)")
        let local = try localEvents(hall)
        #expect(
            try server.psql("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM event WHERE centre = '26.0301'")
                == "\(local)|\(local)|1|\(local)", "every event once")
        let t = timings.withLock { $0 }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let before = median(t[0] ?? [1])
        let during = median(t[1] ?? [1])
        #expect((t[1] ?? []).count > 50, "presses went on while the server was away")
        #expect(during <= before * 2 + 0.02, "median command \(during * 1000) ms while away, \(before * 1000) ms before")
        // The sync waits up to 10 s for a connection and 30 s for an answer: a command that
        // waited for it would take that long. (A second or so can be this machine's disk, which
        // the test's own server shares: its shutdown writes while the hall commits.)
        #expect((t[1] ?? []).max() ?? 0 < 5.0, "no command waited for the server")
    }

    /// Three days without the server (their events written while it was away): the box says
    /// how far behind it is, and sends the backlog when the server is back.
    @Test func aBoxOfflineForThreeDaysSendsItsBacklog() throws {
        let server = try PrivatePostgres()
        let kiosk = try KioskBinary()
        _ = try central(server, ["migrate"], kiosk: kiosk)
        let hall = try centre("offline", code: "26.0401", server: server)
        try server.stop()
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let first = LocalDay(Date().addingTimeInterval(-4 * 86400), in: zone)
        let made = try history(hall, from: first, days: 3, seed: 21)
        try hall.start()
        let sync = try Sync(hall)
        defer {
            hall.stop()
            sync.stop()
        }
        try eventually(15, "the box to report the server away") {
            try (link(hall)["lastError"] as? String ?? "").contains("cannot reach the server")
        }
        let away = try link(hall)
        #expect((away["eventsBehind"] as? Int ?? 0) >= made.events, "\(away)")
        #expect((away["secondsBehind"] as? Double ?? 0) > 2 * 86400, "\(away)")
        #expect((away["lastError"] as? String ?? "").contains("cannot reach the server at 127.0.0.1"), "\(away)")
        #expect(try hall.request("issue A").hasPrefix("ok"), "the hall works offline")
        try server.start()
        try caughtUp(hall, within: 60)
        let local = try localEvents(hall)
        #expect(try server.psql("SELECT count(*), count(DISTINCT seq) FROM event WHERE centre = '26.0401'") == "\(local)|\(local)")
        #expect(try server.psql("SELECT count(*) FROM ticket WHERE centre = '26.0401'") == String(made.tickets + 1))
    }

    /// Box A, configured with centre B's code, with its real daemon and sync: the sync refuses
    /// before it writes anything, says why in /health, and B's row and figures stay B's.
    @Test func aBoxWithAnotherCentresCodeOverwritesNothing() throws {
        let server = try PrivatePostgres()
        let kiosk = try KioskBinary()
        _ = try central(server, ["migrate"], kiosk: kiosk)
        let b = try centre("collision-b", code: "26.0702", server: server)
        try history(b, from: LocalDay(year: 2026, month: 6, day: 1), days: 2, seed: 71)
        try b.start()
        let syncB = try Sync(b)
        try caughtUp(b)
        syncB.stop()
        b.stop()
        let held =
            "SELECT name, last_seq, (SELECT count(*) || '/' || sum(level) FROM rating WHERE centre = '26.0702'), "
            + "(SELECT string_agg(display, ' ' ORDER BY id) FROM ticket WHERE centre = '26.0702') FROM centre WHERE code = '26.0702'"
        let before = try server.psql(held)

        let a = try centre("collision-a", code: "26.0701", server: server, configCode: "26.0702")
        try history(a, from: LocalDay(year: 2026, month: 6, day: 1), days: 4, seed: 72)
        try a.start()
        let syncA = try Sync(a)
        defer {
            a.stop()
            syncA.stop()
        }
        try eventually(20, "A's sync to refuse") {
            ((try? link(a))?["lastError"] as? String ?? "").contains("the login of centre 26.0701, but its [centre] code is 26.0702")
        }
        #expect(try server.psql(held) == before, "B is as it was: its name, its position, its ratings and its tickets")
        #expect(try server.psql("SELECT count(*) FROM event WHERE centre = '26.0701'") == "0")
    }

    /// A crowd of anonymous requests at the province's page while two boxes sync: the page's
    /// connections to PostgreSQL stay within its pool (`--max-connections`), every request is
    /// answered, and the boxes' batches go on. `scripts/soak` sends 1,000 at once
    /// (KIOSK_PAGE_CROWD); here 200.
    @Test func theProvincePageHoldsUnderACrowdWhileBoxesSync() throws {
        let crowd = ProcessInfo.processInfo.environment["KIOSK_PAGE_CROWD"].flatMap { Int($0) } ?? 200
        _ = raiseOpenFileLimit()
        let server = try PrivatePostgres()
        let tools = try KioskBinary("kiosk-province")
        let owner = ["--url", server.url, "--password-file", server.passwordFile]
        #expect(try tools.run(["migrate"] + owner).status == 0)
        let pagePassword = "\(server.folder)/page-password"
        #expect(try tools.run(["page-login", "--password-out", pagePassword] + owner).status == 0)
        let halls = [try centre("crowd-n", code: "26.0801", server: server), try centre("crowd-s", code: "26.0802", server: server)]
        var syncs: [Sync] = []
        defer {
            halls.forEach { $0.stop() }
            syncs.forEach { $0.stop() }
        }
        for (i, hall) in halls.enumerated() {
            try history(hall, from: LocalDay(year: 2026, month: 5, day: 4), days: 3, seed: UInt64(80 + i))
            try hall.start()
            syncs.append(try Sync(hall))
            try hall.officer("an", signInAt: 1)
        }
        let cap = 6
        let port = freeLocalPort()
        let log = "\(server.folder)/pages.log"
        let pages = try tools.start(
            [
                "serve", "--bind", "127.0.0.1:\(port)", "--max-connections", "\(cap)",
                "--url", server.url(login: "province_page"), "--password-file", pagePassword,
            ], log: log)
        defer {
            pages.terminate()
            pages.waitUntilExit()
        }
        try eventually(20, "the province pages") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("province pages ready")
        }
        for hall in halls { try caughtUp(hall) }

        // The halls work on while the crowd comes, so the syncs have batches to send.
        let stop = Atomic(false)
        let work = Thread {
            while !stop.load(ordering: .relaxed) {
                for hall in halls {
                    _ = try? hall.request("issue A")
                    _ = try? hall.request("next 1")
                }
                usleep(50_000)
            }
        }
        work.start()
        let peak = Mutex(0)
        let watch = Thread {
            while !stop.load(ordering: .relaxed) {
                let n = Int((try? server.psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'province_page'")) ?? "0") ?? 0
                peak.withLock { $0 = max($0, n) }
                usleep(100_000)
            }
        }
        watch.start()
        let started = Date()
        let requests = (0..<crowd).map { i -> (String, String, [String: String], String) in
            switch i % 3 {
            case 0: ("GET", "/health", [:], "")
            case 1: ("GET", "/report?period=2026", [:], "")
            default:
                (
                    "POST", "/login", ["Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1:\(port)"],
                    "username=ai.do&password=khong-biet"
                )
            }
        }
        let replies = try HTTP.burst(port: port, requests, from: "127.0.0.5")
        let seconds = Date().timeIntervalSince(started)
        stop.store(true, ordering: .relaxed)
        while !work.isFinished || !watch.isFinished { usleep(10_000) }
        let statuses = Dictionary(grouping: replies.map(\.status), by: { $0 }).mapValues(\.count)
        print(
            "province page crowd: \(crowd) requests at once answered in \(String(format: "%.1f", seconds)) s, statuses \(statuses.sorted { $0.key < $1.key }), "
                + "the page's PostgreSQL connections at most \(peak.withLock { $0 }) (cap \(cap))")
        #expect(replies.allSatisfy { $0.status != 0 }, "every request answered: \(statuses)")
        #expect(statuses[200, default: 0] == (crowd + 2) / 3, "every /health answered ok: \(statuses)")
        #expect(peak.withLock { $0 } <= cap)
        for hall in halls { try caughtUp(hall, within: 60) }
    }

    /// A wrong password, a server that is not PostgreSQL, a schema newer than the binary: a
    /// clear error in the log and in /health, and the hall goes on.
    @Test func refusedConnectionsAreClearAndTheHallGoesOn() throws {
        let server = try PrivatePostgres()
        let kiosk = try KioskBinary()
        _ = try central(server, ["migrate"], kiosk: kiosk)
        let wrong = "\(server.folder)/wrong-password"
        try "not the password\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let hall = try centre("refused", code: "26.0501", server: server, passwordFile: wrong)
        try hall.start()
        var sync = try Sync(hall)
        defer {
            hall.stop()
            sync.stop()
        }

        func refusal(_ words: String) throws {
            do {
                // (while the daemon reloads, its web server is briefly away)
                try eventually(15, "the error \(words)") { ((try? link(hall))?["lastError"] as? String ?? "").contains(words) }
            } catch {
                throw TestFailure("\(error); the box says \(try link(hall))")
            }
            #expect(try link(hall)["state"] as? String == "offline")
            #expect(sync.text.contains(words), "the sync's log says it too")
            #expect(try hall.request("issue A").hasPrefix("ok"), "the hall goes on")
            let health = try HTTP.request(port: hall.port, "GET", "/health")
            #expect(health.body.contains("\"status\":\"ok\""), "the hall is not degraded by the province: \(health.body)")
        }
        try refusal("refused the login of province_box_26_0501")

        // Not PostgreSQL: the URL names the centre's own web server.
        try hall.rewrite { $0.replacingOccurrences(of: "127.0.0.1:\(server.port)/", with: "127.0.0.1:\(hall.port)/") }
        sync.stop()
        sync = try Sync(hall)
        try refusal("does not answer as a PostgreSQL server")

        // A schema newer than this kiosk, with the right password and server.
        try server.psql("INSERT INTO kiosk_schema (version, name) VALUES (99, 'from a newer kiosk')")
        try hall.rewrite {
            $0.replacingOccurrences(of: "127.0.0.1:\(hall.port)/", with: "127.0.0.1:\(server.port)/")
                .replacingOccurrences(of: wrong, with: "\(hall.folder)/province-password")
        }
        sync.stop()
        sync = try Sync(hall)
        try refusal("newer than this kiosk knows")
        #expect(try server.psql("SELECT count(*) FROM event") == "0", "nothing written into a schema it does not know")

        // The sync stopped: the daemon says so.
        sync.stop()
        try FileManager.default.removeItem(atPath: "\(hall.folder)/kiosk.sqlite.province.json")
        try eventually(5, "the daemon to see the sync gone") {
            ((try? link(hall))?["lastError"] as? String ?? "").contains("the sync is not running")
        }
    }
}

/// The province office's pages, from `kiosk province serve`: a login from the central
/// database's accounts, the ranking, the downloads, and a box gone silent.
@Suite(.serialized) struct ProvincePageTests {
    @Test func theProvinceSeesTheRankingAndTheBoxThatWentSilent() throws {
        let server = try PrivatePostgres()
        let kiosk = try KioskBinary("kiosk-province")
        let url = ["--url", server.url, "--password-file", server.passwordFile]
        #expect(try kiosk.run(["migrate"] + url).status == 0)
        // The page reads with a login of its own, which can change no figure; the owner's is refused.
        let pagePassword = "\(server.folder)/page-password"
        let made = try kiosk.run(["page-login", "--password-out", pagePassword] + url)
        #expect(made.status == 0, "\(made.err)")
        let pageURL = ["--url", server.url(login: "province_page"), "--password-file", pagePassword]
        let tests = ProvinceTests()
        let hall = try tests.centre("page", code: "26.0601", server: server)
        try tests.history(hall, from: LocalDay(year: 2026, month: 3, day: 2), days: 5, seed: 31)
        try hall.start()
        let sync = try ProvinceTests.Sync(hall)
        defer {
            hall.stop()
            sync.stop()
        }
        try tests.caughtUp(hall)
        // A centre whose box last reported three days ago.
        try server.psql(
            """
            INSERT INTO centre (code, name, last_contact, events) VALUES ('26.0602', 'Trung tâm xã Im Lặng', now() - interval '3 days', 0)
            """)

        let added = try kiosk.run(["account", "add", "--role", "leader", "binh", "Trần Thị Bình"] + url, input: "mật khẩu tỉnh 2026\n")
        #expect(added.status == 0, "\(added.err)")
        let tooLong = try kiosk.run(
            ["account", "add", "--role", "leader", "long", "Quá Dài"] + url, input: String(repeating: "dài", count: 30) + "\n")
        #expect(tooLong.status != 0 && tooLong.err.contains("72"), "bcrypt reads 72 bytes: a longer password is refused: \(tooLong.err)")

        let refusedLog = "\(hall.folder)/province-pages-owner.log"
        let asOwner = try kiosk.start(["serve", "--bind", "127.0.0.1:\(freeLocalPort())"] + url, log: refusedLog)
        asOwner.waitUntilExit()
        #expect(asOwner.terminationStatus != 0)
        #expect(
            ((try? String(contentsOfFile: refusedLog, encoding: .utf8)) ?? "").contains("province_owner can"),
            "serve refuses the owner's login")

        let port = freeLocalPort()
        let log = "\(hall.folder)/province-pages.log"
        let pages = try kiosk.start(["serve", "--bind", "127.0.0.1:\(port)"] + pageURL, log: log)
        defer {
            pages.terminate()
            pages.waitUntilExit()
        }
        try eventually(20, "the province pages") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("province pages ready")
        }

        #expect(try HTTP.request(port: port, "GET", "/report").head.contains("Location: /login"), "no page without a login")
        #expect(try HTTP.request(port: port, "GET", "/api/report?period=2026").status == 401)
        let origin = "http://127.0.0.1:\(port)"
        /// The login form as a browser posts it: its token from the form and the cookie, and Origin.
        func login(_ form: String, origin: String? = origin, token: Bool = true) throws -> HTTP.Reply {
            let page = try HTTP.request(port: port, "GET", "/login")
            let csrf = page.body.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
            let cookie =
                page.head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: province_login=") }
                .map { String($0.dropFirst("set-cookie: ".count).split(separator: ";")[0]) } ?? ""
            var headers = ["Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie]
            if let origin { headers["Origin"] = origin }
            return try HTTP.request(port: port, "POST", "/login", headers: headers, body: form + (token ? "&csrf=\(csrf)" : ""))
        }
        let right = "username=binh&password=m%E1%BA%ADt+kh%E1%BA%A9u+t%E1%BB%89nh+2026"
        #expect(try login(right, origin: "http://evil.example").status == 403, "a page elsewhere cannot log a browser in")
        #expect(try login(right, origin: nil).status == 403, "nor a request that says nothing of where it comes from")
        #expect(try login(right, token: false).status == 403, "nor a form without its token")
        let wrong = try login("username=binh&password=wrong")
        #expect(wrong.status == 401 && wrong.body.contains("Sai tên đăng nhập hoặc mật khẩu"))
        let signedIn = try login(right)
        #expect(signedIn.status == 303, "\(signedIn.head)")
        let session =
            signedIn.head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: province_session=") }
            .map { String($0.dropFirst("set-cookie: ".count).split(separator: ";")[0]) } ?? ""
        #expect(!session.isEmpty && signedIn.head.contains("HttpOnly"))
        let cookie = ["Cookie": session]
        // The database keeps the session's hash: whoever reads the table cannot sign in with it.
        let id = String(session.dropFirst("province_session=".count))
        #expect(try server.psql("SELECT count(*) FROM session WHERE id = '\(id)'") == "0")
        #expect(try server.psql("SELECT count(*) FROM session WHERE id = encode(sha256('\(id)'::bytea), 'hex')") == "1")

        let page = try HTTP.request(port: port, "GET", "/report?period=2026&by=centre&rank=1", headers: cookie)
        #expect(page.status == 200)
        #expect(page.body.contains("Xếp hạng các đơn vị theo mức độ hài lòng – Năm 2026"), "\(page.body.prefix(2000))")
        #expect(page.body.contains("<th>Hạng</th>") && page.body.contains("Trung tâm xã Thử Nghiệm"))
        #expect(page.body.contains("<tr class=\"silent\"><td>26.0602</td><td>Trung tâm xã Im Lặng</td><td>3 ngày trước – mất liên lạc"))
        #expect(page.body.contains("Trần Thị Bình"))

        // The download is the command line's file.
        let csv = try HTTP.request(port: port, "GET", "/api/report?period=2026&by=officer&centre=26.0601&format=csv", headers: cookie)
        #expect(csv.status == 200 && csv.head.contains("attachment; filename=\"bao-cao-tinh-officer-26.0601-2026.csv\""))
        let cli = try kiosk.run(["report", "--period", "2026", "--by", "officer", "--centre", "26.0601"] + url)
        #expect(csv.body == String(decoding: cli.out, as: UTF8.self))
        #expect(try HTTP.request(port: port, "GET", "/report?period=2026-Q5", headers: cookie).status == 400)
        let health = try HTTP.request(port: port, "GET", "/health")
        #expect(health.body.contains("\"status\":\"ok\""))

        // Over HTTPS: the same login, its cookie Secure, HSTS.
        let tlsPort = freeLocalPort()
        let tlsLog = "\(hall.folder)/province-pages-https.log"
        let secure = try kiosk.start(
            [
                "serve", "--bind", "127.0.0.1:\(tlsPort)", "--tls-certificate", "\(server.folder)/server.crt",
                "--tls-key", "\(server.folder)/server.key",
            ] + pageURL, log: tlsLog)
        defer {
            secure.terminate()
            secure.waitUntilExit()
        }
        try eventually(20, "the province pages over HTTPS") {
            ((try? String(contentsOfFile: tlsLog, encoding: .utf8)) ?? "").contains("https://127.0.0.1:\(tlsPort)/report")
        }
        let overTLS = try AttackTests.httpsLogin(port: tlsPort, ca: server.caFile, user: "binh", password: "mật khẩu tỉnh 2026")
        #expect(overTLS["get"] as? Int == 200 && overTLS["post"] as? Int == 303, "\(overTLS)")
        #expect((overTLS["hsts"] as? String ?? "").hasPrefix("max-age="))
        #expect(
            (overTLS["cookies"] as? [String] ?? []).contains { $0.hasPrefix("province_session=") && $0.hasSuffix("; Secure") }, "\(overTLS)"
        )
    }
}
