import Foundation
import Testing

@testable import KioskService

/// `[centre] code` and `[province]`: what a box needs to report, and the mistakes an IT
/// officer can make writing it, each named by file, line and key.
@Suite struct ProvinceConfigTests {
    static func config(_ province: String, centre: String = "code = \"38.16079\"") -> String {
        """
        [centre]
        name = "Trung tâm xã Đông Sơn"
        \(centre)

        [province]
        \(province)

        [[services]]
        code = "A"
        name = "Chứng thực"

        [[counters]]
        number = 1
        services = ["A"]
        """
    }

    static func refusal(_ text: String) -> String {
        do {
            _ = try ConfigLoader.parse(text, file: "/etc/kiosk/kiosk.toml")
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func aBoxThatReports() throws {
        let config = try ConfigLoader.parse(
            Self.config(
                """
                url = "postgres://kiosk@db.tinh.gov.vn/kiosk_province?sslmode=verify-full"
                password_file = "province-password"
                batch = 500
                """), file: "/etc/kiosk/kiosk.toml")
        #expect(config.centreCode == "38.16079")
        let province = try #require(config.province)
        #expect(province.server == (try ProvinceServerAddress("postgres://kiosk@db.tinh.gov.vn:5432/kiosk_province?sslmode=verify-full")))
        #expect(province.server.tls == ProvinceServerAddress.TLSMode.verifyFull)
        #expect(province.passwordFile == "/etc/kiosk/province-password")
        #expect(
            province.batchSize == 500 && province.intervalSeconds == 5 && province.maxBackoffSeconds == 60 && province.answerSeconds == 30)
        #expect(province.server.description == "postgres://kiosk@db.tinh.gov.vn:5432/kiosk_province")
        #expect(province.server.caFile == nil, "the system's CAs")
    }

    /// TLS with the certificate checked unless `disable` is written; `prefer` and `require`
    /// (which take any certificate) are refused; the province's CA by `ca_file` or `sslrootcert`.
    @Test func theLinkCannotBeDowngraded() throws {
        #expect(try ProvinceServerAddress("postgres://box@db/p").tls == .verifyFull)
        #expect(try ProvinceServerAddress("postgres://box@db/p?sslmode=disable").tls == .disable)
        #expect(try ProvinceServerAddress("postgres://box@db/p?sslrootcert=/etc/kiosk/ca.crt").caFile == "/etc/kiosk/ca.crt")
        for mode in ["prefer", "require", "allow", "verify-ca"] {
            #expect(
                Self.refusal(Self.config("url = \"postgres://box@db/p?sslmode=\(mode)\"")).contains(
                    "province.url: postgres://box@db/p?sslmode=\(mode): sslmode=\(mode) does not check that the server is the province's"))
        }
        let config = try ConfigLoader.parse(
            Self.config(
                """
                url = "postgres://box@db.tinh.gov.vn/kiosk_province"
                ca_file = "province-ca.crt"
                """), file: "/etc/kiosk/kiosk.toml")
        #expect(config.province?.server.caFile == "/etc/kiosk/province-ca.crt")
        #expect(
            Self.refusal(Self.config("url = \"postgres://box@db/p?sslmode=disable\"\nca_file = \"x\"")).contains(
                "province.ca_file: is for TLS"))
    }

    @Test func urls() throws {
        let plain = try ProvinceServerAddress("postgresql://an%40tinh:p%3Ass@[::1]:6543/db")
        #expect(plain.user == "an@tinh" && plain.password == "p:ss" && plain.host == "::1" && plain.port == 6543 && plain.database == "db")
        #expect(plain.tls == ProvinceServerAddress.TLSMode.verifyFull)
        #expect(plain.description == "postgres://an@tinh@[::1]:6543/db", "the description never shows the password")
        for (url, words) in [
            ("mysql://a@b/c", "is not a PostgreSQL URL"), ("postgres://b:5432/c", "names no user"),
            ("postgres://a@b:5432", "names no database"), ("postgres://a@b:99999/c", "the port is not a number"),
            ("postgres://a@b/c?sslmode=maybe", "sslmode maybe is not one of"), ("postgres://a@b/c?timeout=3", "only sslmode"),
        ] {
            #expect(throws: ProvinceServerAddress.Invalid.self) { try ProvinceServerAddress(url) }
            #expect((try? ProvinceServerAddress(url)) == nil)
            do {
                _ = try ProvinceServerAddress(url)
            } catch {
                #expect(error.description.contains(words), "\(url): \(error)")
            }
        }
    }

    @Test func mistakesAreNamedByLineAndKey() {
        #expect(
            Self.refusal(Self.config("url = \"postgres://kiosk@db/p\"", centre: "")).contains(
                "centre.code: missing: a box that reports to the province needs its centre's code"))
        #expect(
            Self.refusal(Self.config("url = \"postgres://kiosk@db/p\"", centre: "code = \"xã Đông Sơn\""))
                == "/etc/kiosk/kiosk.toml:3: centre.code: xã Đông Sơn is not a centre code: 1 to 32 letters, digits, dots, dashes (like 26.0101 or XA-DONG-SON)"
        )
        #expect(
            Self.refusal(Self.config(#"url = "postgres://kiosk:secret@db/p""#))
                == "/etc/kiosk/kiosk.toml:6: province.url: holds a password: put it in a file only the daemon reads, and name it in password_file"
        )
        #expect(
            Self.refusal(Self.config(#"url = "http://db/p""#)).hasPrefix(
                "/etc/kiosk/kiosk.toml:6: province.url: http://db/p is not a PostgreSQL URL"))
        #expect(Self.refusal(Self.config("url = \"postgres://kiosk@db/p\"\nbatch = 0")).contains("province.batch"))
        #expect(Self.refusal(Self.config("url = \"postgres://kiosk@db/p\"\npasword_file = \"x\"")).contains("pasword_file"))
    }
}
