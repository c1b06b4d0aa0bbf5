import Foundation
import HummingbirdBcrypt
import KioskCore
import KioskRuntime
import KioskService
import Logging
import PostgresNIO
import Synchronization

/// The province office's staff accounts, in the central database: admins (who manage them
/// from the command line) and leaders; both read every report. Passwords hashed by bcrypt (8
/// to 72 bytes: bcrypt reads no further) on a thread of its own; wrong passwords in a row lock
/// an account, counted before bcrypt runs, so attempts sent together cannot pass the count.
/// The rules are the box's own defaults (`AccountSettings`, `AccountService`): one place for
/// both. Sessions are kept as the SHA-256 of their id.
public enum ProvinceAccounts {
    public enum Role: String, Sendable, CaseIterable {
        case admin, leader
        public var title: String { self == .admin ? "Quản trị" : "Lãnh đạo" }
    }

    public struct Account: Sendable {
        public var id: String, name: String, role: Role
        /// The session's token for the page's forms (logout).
        public var csrf = ""
    }

    /// The box's rules, as its `[accounts]` defaults have them.
    static let rules = AccountSettings()
    static let sessionHours = rules.sessionHours
    static let lockAfter = rules.lockAfterFailures
    /// The box's longest lock (its locks grow to it; the province's is that long at once).
    static let lockMinutes = Int(AccountService.longestLock / 60)

    /// bcrypt takes a tenth of a second: never on Swift's shared threads.
    private static let passwords = WorkerThread(name: "province passwords")

    private static func onPasswordThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await passwords.run { () -> T in work() }.get()
    }

    /// Adds an account, or sets a new password (and name and role) on an existing one.
    public static func save(id: String, name: String, role: Role, password: String, on server: CentralServer, logger: Logger) async throws {
        guard (1...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || ".-_".contains($0)) }) else {
            throw CentralError("\(id) is not a login name: lower-case letters, digits, dots, dashes (nguyen.van.an)")
        }
        if let problem = PasswordRule.problem(password) { throw CentralError(problem) }
        let hash = await onPasswordThread { Bcrypt.hash(password, cost: UInt8(rules.bcryptCost)) }
        try await server.withConnection(logger: logger) { connection in
            try await CentralSchema.check(connection, logger: logger)
            try await connection.execute(
                """
                INSERT INTO account (id, name, role, password_hash) VALUES (\(id), \(name), \(role.rawValue), \(hash))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
                    active = true, failed_logins = 0, locked_until = NULL
                """, logger: logger)
            try await connection.execute("DELETE FROM session WHERE account = \(id)", logger: logger)
        }
    }

    public static func list(on server: CentralServer, logger: Logger) async throws -> [(
        id: String, name: String, role: String, active: Bool
    )] {
        try await server.withConnection(logger: logger) { connection in
            try await connection.fetch(
                "SELECT id, name, role, active FROM account ORDER BY id", as: (String, String, String, Bool).self, logger: logger
            )
            .map { (id: $0.0, name: $0.1, role: $0.2, active: $0.3) }
        }
    }

    public static func disable(id: String, on server: CentralServer, logger: Logger) async throws -> Bool {
        try await server.withConnection(logger: logger) { connection in
            let found = try await connection.fetch(
                "UPDATE account SET active = false WHERE id = \(id) RETURNING 1", as: (Int).self, logger: logger)
            try await connection.execute("DELETE FROM session WHERE account = \(id)", logger: logger)
            return !found.isEmpty
        }
    }

    public enum Login: Sendable {
        case signedIn(session: String, Account)
        case refused
        case locked
    }

    /// A login attempt, counted as a wrong password (and locking the account when it is one
    /// too many) in one statement before bcrypt runs; a right password gives the count back.
    /// `.unknown` covers a name that is no account and a disabled one: the caller answers those
    /// as it answers a locked one after as many tries (`unknownNames`).
    enum Reservation: Sendable {
        case reserved(name: String, role: Role, hash: String)
        case locked
        case unknown
    }

    static func reserve(id: String, _ connection: PostgresConnection, logger: Logger) async throws -> Reservation {
        let rows = try await connection.fetch(
            """
            UPDATE account SET failed_logins = failed_logins + 1,
                locked_until = CASE WHEN failed_logins + 1 >= \(unescaped: String(lockAfter))
                                    THEN now() + make_interval(mins => \(unescaped: String(lockMinutes))) ELSE NULL END
            WHERE id = \(id) AND active AND (locked_until IS NULL OR locked_until <= now())
            RETURNING name, role, password_hash
            """, as: (String, String, String).self, logger: logger)
        if let (name, role, hash) = rows.first, let role = Role(rawValue: role) { return .reserved(name: name, role: role, hash: hash) }
        let locked = try await connection.fetch(
            "SELECT active AND locked_until > now() FROM account WHERE id = \(id)", as: (Bool?).self,
            logger: logger)
        return (locked.first ?? nil) == true ? .locked : .unknown
    }

    static func login(
        id: String, password: String, _ connection: PostgresConnection, unknownNames: UnknownNames,
        logger: Logger
    ) async throws -> Login {
        let name: String
        let role: Role
        let hash: String
        switch try await reserve(id: id, connection, logger: logger) {
        case .locked: return .locked
        case .unknown:
            if unknownNames.reserve(id) { return .locked }
            // The same time for an unknown name as for a wrong password.
            _ = await onPasswordThread { Bcrypt.verify(password, hash: decoy) }
            return .refused
        case .reserved(let n, let r, let h): (name, role, hash) = (n, r, h)
        }
        // bcrypt reads 72 bytes: a longer password would match on its first 72.
        let fits = password.utf8.count <= PasswordRule.maximumBytes
        guard fits, await onPasswordThread({ Bcrypt.verify(password, hash: hash) }) else { return .refused }
        let session = AccountService.randomToken(bytes: 32)
        let csrf = AccountService.randomToken(bytes: 24)
        try await connection.execute("UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = \(id)", logger: logger)
        try await connection.execute("DELETE FROM session WHERE expires_at < now()", logger: logger)
        try await connection.execute(
            """
            INSERT INTO session (id, account, csrf, expires_at)
            VALUES (\(SHA256.hex(session)), \(id), \(csrf), now() + make_interval(hours => \(unescaped: String(sessionHours))))
            """, logger: logger)
        return .signedIn(session: session, Account(id: id, name: name, role: role, csrf: csrf))
    }

    static func account(session: String, _ connection: PostgresConnection, logger: Logger) async throws -> Account? {
        let rows = try await connection.fetch(
            """
            SELECT a.id, a.name, a.role, s.csrf FROM session s JOIN account a ON a.id = s.account
            WHERE s.id = \(SHA256.hex(session)) AND s.expires_at > now() AND a.active
            """, as: (String, String, String, String).self, logger: logger)
        return rows.first.flatMap { row in Role(rawValue: row.2).map { Account(id: row.0, name: row.1, role: $0, csrf: row.3) } }
    }

    static func logout(session: String, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("DELETE FROM session WHERE id = \(SHA256.hex(session))", logger: logger)
    }

    /// Wrong logins under names that are no account: counted and locked as an account's are
    /// (`lockAfter` in a row, then `lockMinutes`, and again at each further one), so a lock does
    /// not tell that a name exists.
    final class UnknownNames: Sendable {
        private let locks = Mutex(UnknownNameLocks())

        /// Counts a try; true when the name is "locked" now.
        func reserve(_ name: String) -> Bool {
            locks.withLock {
                $0.reserve(name, at: Date()) { $0 >= ProvinceAccounts.lockAfter ? TimeInterval(ProvinceAccounts.lockMinutes * 60) : nil }
            } != nil
        }
    }

    /// A hash nobody's password matches, for the unknown names.
    static let decoy = Bcrypt.hash(AccountService.randomToken(bytes: 12), cost: UInt8(rules.bcryptCost))
}
