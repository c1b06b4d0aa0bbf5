import Foundation
import KioskCore
import KioskService
import Logging
import PostgresNIO

/// Each box is its own principal at the province: a PostgreSQL login of its own, which the
/// central database's row policies let write only its own centre's rows (`CentralSchema`
/// version 2), whatever the box's config says. The province office makes and manages them
/// with the database owner's login; the page reads with a login of its own (`pageLogin`).
///
/// Passwords are made here (32 random bytes), written to a file only the caller reads
/// (0600), and given to PostgreSQL as a SCRAM-SHA-256 verifier: the password itself never
/// reaches the server, its log or `pg_authid`.
public enum CentreLogins {
    public struct Centre: Sendable {
        public var code: String, name: String, login: String?, disabled: Bool, lastContact: Date?
    }

    /// What `add` and `rotate` tell the province office: the login, and the box's `[province]` section.
    public struct Enrolment: Sendable {
        public var login: String
        public var boxSection: String
    }

    /// The centre codes a box's config accepts: 1 to 32 letters, digits, dots, dashes.
    static func codeProblem(_ code: String) -> String? {
        guard (1...32).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        else {
            return "\(code) is not a centre code: 1 to 32 letters, digits, dots, dashes (like 26.0101)"
        }
        return nil
    }

    /// `kiosk_province_box_38_16079` for centre 38.16079 in database kiosk_province.
    static func loginName(code: String, database: String) throws -> String {
        let name = "\(database)_box_" + code.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        guard name.utf8.count <= 63 else {
            throw CentralError(
                "the login for centre \(code) would be longer than PostgreSQL's 63 bytes: use a shorter code or database name")
        }
        return name
    }

    static func pageLoginName(database: String) -> String { "\(database)_page" }

    /// Makes centre `code`'s login, writes its password to `passwordOut` (0600) and returns it
    /// with the box's `[province]` section. A centre already enrolled is refused (`rotate`).
    public static func add(code: String, name: String, passwordOut: String, on server: CentralServer, logger: Logger) async throws
        -> Enrolment
    {
        if let problem = codeProblem(code) { throw CentralError(problem) }
        let login = try loginName(code: code, database: server.address.database)
        let password = AccountService.randomToken(bytes: 32)
        let verifier = scramVerifier(password: password)
        try await server.withConnection(logger: logger) { connection in
            try await CentralSchema.check(connection, logger: logger)
            let existing = try await connection.fetch("SELECT login FROM centre WHERE code = \(code)", as: (String?).self, logger: logger)
            if let login = existing.first ?? nil {
                throw CentralError(
                    "centre \(code) is enrolled already (login \(login)): kiosk-province centre rotate \(code) gives it a new password")
            }
            try await connection.execute("BEGIN", logger: logger)
            do {
                try await connection.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            CREATE ROLE \(quoted(login)) LOGIN CONNECTION LIMIT 4 PASSWORD \(literal(verifier))
                                IN ROLE \(quoted(CentralSchema.boxesRole(server.address.database)))
                            """), logger: logger)
                try await connection.execute(
                    """
                    INSERT INTO centre (code, name, login) VALUES (\(code), \(name), \(login))
                    ON CONFLICT (code) DO UPDATE SET login = EXCLUDED.login, disabled = false
                    """, logger: logger)
                try writeSecret(password, to: passwordOut)
                try await connection.execute("COMMIT", logger: logger)
            } catch {
                try? await connection.execute("ROLLBACK", logger: logger)
                throw error
            }
        }
        return Enrolment(login: login, boxSection: boxSection(code: code, login: login, server: server.address))
    }

    /// A new password for centre `code`'s login (a box replaced, a password that leaked).
    public static func rotate(code: String, passwordOut: String, on server: CentralServer, logger: Logger) async throws -> Enrolment {
        let password = AccountService.randomToken(bytes: 32)
        let login: String = try await server.withConnection(logger: logger) { connection in
            guard
                let found = try await connection.fetch("SELECT login FROM centre WHERE code = \(code)", as: (String?).self, logger: logger)
                    .first,
                let login = found
            else {
                throw CentralError("centre \(code) has no login: kiosk-province centre add \(code) \"Name\" makes one")
            }
            try await connection.execute(
                PostgresQuery(unsafeSQL: "ALTER ROLE \(quoted(login)) LOGIN PASSWORD \(literal(scramVerifier(password: password)))"),
                logger: logger)
            try await connection.execute("UPDATE centre SET disabled = false WHERE code = \(code)", logger: logger)
            try writeSecret(password, to: passwordOut)
            return login
        }
        return Enrolment(login: login, boxSection: boxSection(code: code, login: login, server: server.address))
    }

    /// The centre's login can no longer log in, and a session it has open can write nothing more.
    public static func disable(code: String, on server: CentralServer, logger: Logger) async throws {
        try await server.withConnection(logger: logger) { connection in
            guard
                let found = try await connection.fetch(
                    "UPDATE centre SET disabled = true WHERE code = \(code) RETURNING login",
                    as: (String?).self, logger: logger
                ).first
            else {
                throw CentralError("no centre \(code)")
            }
            if let login = found {
                try await connection.execute(PostgresQuery(unsafeSQL: "ALTER ROLE \(quoted(login)) NOLOGIN"), logger: logger)
            }
        }
    }

    public static func list(on server: CentralServer, logger: Logger) async throws -> [Centre] {
        try await server.withConnection(logger: logger) { connection in
            try await connection.fetch(
                """
                SELECT code, name, login, disabled, extract(epoch FROM last_contact)::float8 FROM centre ORDER BY code
                """, as: (String, String, String?, Bool, Double?).self, logger: logger
            ).map {
                Centre(code: $0.0, name: $0.1, login: $0.2, disabled: $0.3, lastContact: $0.4.map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    /// The page's own login (made, or given a new password): it reads the figures, checks the
    /// office's passwords and keeps their sessions, and changes nothing else.
    public static func pageLogin(passwordOut: String, on server: CentralServer, logger: Logger) async throws -> String {
        let login = pageLoginName(database: server.address.database)
        let password = AccountService.randomToken(bytes: 32)
        try await server.withConnection(logger: logger) { connection in
            try await CentralSchema.check(connection, logger: logger)
            let exists =
                !(try await connection.fetch("SELECT 1 FROM pg_roles WHERE rolname = \(login)", as: (Int32).self, logger: logger).isEmpty)
            let verifier = literal(scramVerifier(password: password))
            try await connection.execute(
                PostgresQuery(
                    unsafeSQL: exists
                        ? "ALTER ROLE \(quoted(login)) LOGIN PASSWORD \(verifier)"
                        : "CREATE ROLE \(quoted(login)) LOGIN CONNECTION LIMIT 32 PASSWORD \(verifier) IN ROLE \(quoted(CentralSchema.readersRole(server.address.database)))"
                ),
                logger: logger)
            try writeSecret(password, to: passwordOut)
        }
        return login
    }

    /// The `[centre]` and `[province]` sections for the box's `kiosk.toml`.
    static func boxSection(code: String, login: String, server: ProvinceServerAddress) -> String {
        var box = server
        box.user = login
        box.password = nil
        box.caFile = nil
        var lines = [
            "[centre]", "code = \"\(code)\"", "", "[province]", "url = \"\(box.description)\"",
            "password_file = \"/etc/kiosk/province-password\"     # the file written now: copy it there, owner kiosk, mode 0600",
        ]
        if server.tls == .verifyFull {
            lines.append(
                server.caFile == nil
                    ? "# the server's certificate is checked against the system's CAs; for the province's own CA: ca_file = \"/etc/kiosk/province-ca.crt\""
                    : "ca_file = \"/etc/kiosk/province-ca.crt\"            # a copy of \(server.caFile!)")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes a password to a new file only its owner reads (0600), one line.
    static func writeSecret(_ secret: String, to path: String) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CentralError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array((secret + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw CentralError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802, 7677):
    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64. With it the server
    /// can check a login without ever having held the password.
    static func scramVerifier(password: String, salt: [UInt8] = randomBytes(16), iterations: Int = 4096) -> String {
        // Hi(): PBKDF2 with HMAC-SHA-256, one block.
        let key = Array(password.utf8)
        var u = SHA256.hmac(key: key, salt + [0, 0, 0, 1])
        var salted = u
        for _ in 1..<iterations {
            u = SHA256.hmac(key: key, u)
            for i in salted.indices { salted[i] ^= u[i] }
        }
        let storedKey = SHA256.hash(SHA256.hmac(key: salted, Array("Client Key".utf8)))
        let serverKey = SHA256.hmac(key: salted, Array("Server Key".utf8))
        func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
        return "SCRAM-SHA-256$\(iterations):\(b64(salt))$\(b64(storedKey)):\(b64(serverKey))"
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// An identifier as SQL writes it: "name".
    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    /// A string literal as SQL writes it: 'text'.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
