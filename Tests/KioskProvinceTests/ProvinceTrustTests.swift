import Foundation
import Glibc
import KioskCore
import KioskProvince
import KioskService
import KioskStore
import KioskTestSupport
import Logging
import Testing

/// Each box is its own principal at the province: the attacks of issue 21, run against a real
/// PostgreSQL with the logins `kiosk-province centre add` and `page-login` make. Each must fail.
@Suite(.serialized) struct ProvinceTrustTests {
    typealias Box = ProvinceSyncTests.Box
    static let logger = ProvinceSyncTests.logger

    /// Two enrolled centres, each synced once: what an attacker on one box finds.
    struct Province {
        let server: PrivatePostgres
        let a: Box, b: Box
        init() async throws {
            server = try PrivatePostgres()
            try await ProvinceSyncTests.owner(server).migrate(logger: ProvinceTrustTests.logger)
            a = try await Box.enrolled(code: "26.0501", name: "Trung tâm xã A", server: server, days: 2, seed: 51)
            b = try await Box.enrolled(code: "26.0502", name: "Trung tâm xã B", server: server, days: 3, seed: 52)
            _ = try await a.sync()
            _ = try await b.sync()
        }

        /// What the province holds of centre B: its row and the sums of its ratings and events.
        var bAsHeld: String {
            get throws {
                try server.psql(
                    """
                    SELECT name, last_seq, (SELECT count(*) || '/' || sum(level) FROM rating WHERE centre = '26.0502'),
                           (SELECT count(*) FROM event WHERE centre = '26.0502'), (SELECT count(*) FROM ticket WHERE centre = '26.0502')
                    FROM centre WHERE code = '26.0502'
                    """)
            }
        }

        /// A's login and password, as they sit on A's box.
        var aLogin: (login: String, password: String) {
            get throws {
                let url = try ProvinceServerAddress(a.config.province!.server.description)
                let password = try String(contentsOfFile: a.config.province!.passwordFile!, encoding: .utf8).trimmingCharacters(
                    in: .newlines)
                return (url.user, password)
            }
        }
    }

    /// Someone who took A's password from its box connects by hand: B's rows, the accounts and
    /// the sessions are out of reach; every attempt either fails or touches nothing.
    @Test func aBoxLoginCannotTouchAnotherCentreOrTheAccounts() async throws {
        let p = try await Province()
        let before = try p.bAsHeld
        let (login, password) = try p.aLogin
        func asA(_ sql: String) -> String {
            do { return try p.server.psql(sql, login: login, password: password) } catch { return "refused: \(error)" }
        }
        #expect(asA("SELECT count(*) FROM rating WHERE centre = '26.0502'") == "0", "B's rows are not even visible")
        #expect(asA("SELECT count(*) FROM centre") == "1")
        #expect(asA("UPDATE rating SET level = 1, satisfied = true WHERE centre = '26.0502'") == "")
        #expect(asA("UPDATE centre SET last_seq = 0, name = 'A was here' WHERE code = '26.0502'") == "")
        #expect(
            asA(
                """
                INSERT INTO rating (centre, id, at, day, counter, level, label, scale_size, satisfied)
                VALUES ('26.0502', 999999, 0, '2026-07-01', 1, 1, 'Rất hài lòng', 3, true)
                """
            ).contains("row-level security"))
        #expect(
            asA("INSERT INTO event (centre, seq, at, day, kind, payload) VALUES ('26.0502', 999999, 0, '2026-07-01', 'x', '{}')")
                .contains("row-level security"))
        #expect(asA("DELETE FROM rating WHERE centre = '26.0501'").contains("permission denied"))
        #expect(asA("UPDATE centre SET login = 'someone', disabled = false").contains("permission denied"))
        #expect(asA("SELECT password_hash FROM account").contains("permission denied"))
        #expect(asA("UPDATE account SET password_hash = 'x'").contains("permission denied"))
        #expect(
            asA("INSERT INTO session (id, account, csrf, expires_at) VALUES ('x', 'admin', '', now() + interval '1 day')")
                .contains("permission denied"))
        #expect(asA("CREATE TABLE public.mine (x int)").contains("permission denied"))
        #expect(try p.bAsHeld == before, "B is as it was")
    }

    /// Box A configured with B's code: the sync refuses before writing anything, and B is
    /// untouched — its name, its position, its rows. A's own login still works for A.
    @Test func aBoxWithAnotherCentresCodeChangesNothing() async throws {
        let p = try await Province()
        let before = try p.bAsHeld
        let impostor = try Box(
            code: "26.0502", name: "A, pretending", server: p.server, days: 6, seed: 53,
            url: p.a.config.province!.server.description + "?sslrootcert=\(p.server.caFile)",
            passwordFile: p.a.config.province!.passwordFile!)
        let error = try await impostor.syncError()
        #expect(error?.contains("the login of centre 26.0501, but its [centre] code is 26.0502") == true, "\(String(describing: error))")
        #expect(try p.bAsHeld == before)
        #expect(try await p.a.connects(), "A's own box, with its own code, goes on")
    }

    /// A box that logs in as the database's owner or a superuser (each could write every
    /// centre) refuses to send, and says why; so does one whose login the province disabled.
    @Test func aSyncAsTheOwnerASuperuserOrADisabledLoginSendsNothing() async throws {
        let p = try await Province()
        let before = try p.server.psql("SELECT count(*), sum(last_seq) FROM centre")
        for (url, words) in [(p.server.url, "the central database's owner"), (p.server.superuserURL, "a superuser")] {
            let box = try Box(
                code: "26.0501", name: "A", server: p.server, days: 1, seed: 54, url: url, passwordFile: p.server.passwordFile)
            let error = try await box.syncError()
            #expect(error?.contains(words) == true && error?.contains("nothing is sent") == true, "\(String(describing: error))")
        }
        #expect(try p.server.psql("SELECT count(*), sum(last_seq) FROM centre") == before)

        try await CentreLogins.disable(code: "26.0501", on: ProvinceSyncTests.owner(p.server), logger: Self.logger)
        let refused = try await p.a.syncError()
        #expect(refused?.contains("refused the login") == true || refused?.contains("disabled") == true, "\(String(describing: refused))")
        // A new password enables it again; the old one is worth nothing.
        let old = try p.aLogin
        _ = try await CentreLogins.rotate(
            code: "26.0501", passwordOut: p.a.config.province!.passwordFile!,
            on: ProvinceSyncTests.owner(p.server), logger: Self.logger)
        #expect((try? p.server.psql("SELECT 1", login: old.login, password: old.password)) == nil)
        #expect(try await p.a.connects())
    }

    /// The page's login reads every figure and changes none; it cannot make a session it can
    /// then use either: sessions are stored as hashes.
    @Test func thePageLoginReadsAndChangesNothing() async throws {
        let p = try await Province()
        let file = "\(p.server.folder)/page-password"
        let login = try await CentreLogins.pageLogin(passwordOut: file, on: ProvinceSyncTests.owner(p.server), logger: Self.logger)
        let password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        func asPage(_ sql: String) -> String {
            do { return try p.server.psql(sql, login: login, password: password) } catch { return "refused: \(error)" }
        }
        #expect(asPage("SELECT count(DISTINCT centre) FROM rating") == "2")
        #expect(asPage("SELECT count(*) FROM centre") == "2")
        #expect(asPage("SELECT count(DISTINCT centre) FROM ticket") == "2")
        #expect(asPage("UPDATE rating SET level = 1").contains("permission denied"))
        #expect(asPage("UPDATE account SET password_hash = 'x'").contains("permission denied"))
        #expect(asPage("UPDATE centre SET last_seq = 0").contains("permission denied"))
        #expect(
            asPage("INSERT INTO event (centre, seq, at, day, kind, payload) VALUES ('26.0501', 999999, 0, '2026-07-01', 'x', '{}')")
                .contains("permission denied"))
        // A box given the page's login instead of its own refuses to send, and says why.
        let box = try Box(
            code: "26.0501", name: "A", server: p.server, days: 1, seed: 56, url: p.server.url(login: login), passwordFile: file)
        let error = try await box.syncError()
        #expect(error?.contains("which is not a centre's login") == true, "\(String(describing: error))")
    }

    /// A machine on the path poses as the province's server (`Tests/Attacks/fake_postgres.py`):
    /// it refuses TLS, or offers a certificate from no CA of the province's, and asks for the
    /// password in clear text or as MD5. The box sends nothing of its password, whatever the
    /// mode, and says why.
    @Test func aFakeServerOnThePathGetsNoPassword() async throws {
        let p = try await Province()
        let password = try p.aLogin.password
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Attacks/fake_postgres.py").path
        let cases: [(mode: String, tls: Bool, words: String)] = [
            ("refuse-tls", true, "does not offer TLS"),
            ("cleartext", true, "certificate failed the check"),
            ("cleartext", false, "asked for the password in clear text"),
            ("md5", false, "asked for the password as MD5"),
        ]
        for (mode, tls, words) in cases {
            let capture = "\(p.server.folder)/capture-\(mode)-\(tls)"
            FileManager.default.createFile(atPath: capture, contents: nil)
            let fake = Process()
            fake.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            fake.arguments = [script, mode, capture, "\(p.server.folder)/rogue.crt", "\(p.server.folder)/rogue.key"]
            let out = Pipe()
            fake.standardOutput = out
            try fake.run()
            // SIGKILL: the test process may ignore SIGTERM, and a child inherits that.
            defer {
                kill(fake.processIdentifier, SIGKILL)
                fake.waitUntilExit()
            }
            var ready = ""
            while !ready.hasSuffix("\n") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                ready += String(decoding: chunk, as: UTF8.self)
            }
            let port = try #require(Int(ready.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
            let url =
                "postgres://\(try p.aLogin.login)@127.0.0.1:\(port)/province"
                + (tls ? "?sslrootcert=\(p.server.caFile)" : "?sslmode=disable")
            let box = try Box(
                code: "26.0501", name: "A", server: p.server, days: 1, seed: 55, url: url,
                passwordFile: p.a.config.province!.passwordFile!)
            let error = try await box.syncError()
            #expect(error?.contains(words) == true, "\(mode), TLS \(tls): \(String(describing: error))")
            let sent = try Data(contentsOf: URL(fileURLWithPath: capture))
            #expect(sent.isEmpty, "\(mode), TLS \(tls): the box answered the password request with \(sent.count) bytes")
            #expect(!String(decoding: sent, as: UTF8.self).contains(password))
        }
    }
}
