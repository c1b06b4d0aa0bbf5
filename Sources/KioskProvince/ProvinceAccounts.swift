import Foundation
import HummingbirdBcrypt
import KioskService
import Logging
import PostgresNIO

/// The province office's staff accounts, in the central database: admins (who manage them
/// from the command line) and leaders; both read every report. Passwords hashed by bcrypt;
/// five wrong passwords in a row lock an account for 15 minutes.
public enum ProvinceAccounts {
    public enum Role: String, Sendable, CaseIterable {
        case admin, leader
        public var title: String { self == .admin ? "Quản trị" : "Lãnh đạo" }
    }

    public struct Account: Sendable {
        public var id: String, name: String, role: Role
    }

    static let sessionHours = 10
    static let lockAfter = 5
    static let lockMinutes = 15

    /// Adds an account, or sets a new password (and name and role) on an existing one.
    public static func save(id: String, name: String, role: Role, password: String, on server: CentralServer, logger: Logger) async throws {
        guard (1...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || ".-_".contains($0)) }) else {
            throw CentralError("\(id) is not a login name: lower-case letters, digits, dots, dashes (nguyen.van.an)")
        }
        guard password.count >= 8 else { throw CentralError("the password is too short: at least 8 characters") }
        let hash = await Task.detached { Bcrypt.hash(password, cost: 11) }.value
        try await server.withConnection(logger: logger) { connection in
            try await CentralSchema.check(connection, logger: logger)
            try await connection.execute("""
                INSERT INTO account (id, name, role, password_hash) VALUES (\(id), \(name), \(role.rawValue), \(hash))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
                    active = true, failed_logins = 0, locked_until = NULL
                """, logger: logger)
            try await connection.execute("DELETE FROM session WHERE account = \(id)", logger: logger)
        }
    }

    public static func list(on server: CentralServer, logger: Logger) async throws -> [(id: String, name: String, role: String, active: Bool)] {
        try await server.withConnection(logger: logger) { connection in
            try await connection.fetch("SELECT id, name, role, active FROM account ORDER BY id", as: (String, String, String, Bool).self, logger: logger)
                .map { (id: $0.0, name: $0.1, role: $0.2, active: $0.3) }
        }
    }

    public static func disable(id: String, on server: CentralServer, logger: Logger) async throws -> Bool {
        try await server.withConnection(logger: logger) { connection in
            let found = try await connection.fetch("UPDATE account SET active = false WHERE id = \(id) RETURNING 1", as: (Int).self, logger: logger)
            try await connection.execute("DELETE FROM session WHERE account = \(id)", logger: logger)
            return !found.isEmpty
        }
    }

    public enum Login: Sendable {
        case signedIn(session: String, Account)
        case refused
        case locked
    }

    static func login(id: String, password: String, _ connection: PostgresConnection, logger: Logger) async throws -> Login {
        let rows = try await connection.fetch("""
            SELECT name, role, password_hash, active, locked_until IS NOT NULL AND locked_until > now() FROM account WHERE id = \(id)
            """, as: (String, String, String, Bool, Bool).self, logger: logger)
        guard let (name, role, hash, active, locked) = rows.first, active, let role = Role(rawValue: role) else {
            // The same time for an unknown name as for a wrong password.
            _ = await Task.detached { Bcrypt.verify(password, hash: decoy) }.value
            return .refused
        }
        if locked { return .locked }
        guard await Task.detached(operation: { Bcrypt.verify(password, hash: hash) }).value else {
            try await connection.execute("""
                UPDATE account SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= \(unescaped: String(lockAfter)) THEN now() + make_interval(mins => \(unescaped: String(lockMinutes))) END
                WHERE id = \(id)
                """, logger: logger)
            return .refused
        }
        let session = AccountService.randomToken(bytes: 24)
        try await connection.execute("UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = \(id)", logger: logger)
        try await connection.execute("DELETE FROM session WHERE expires_at < now()", logger: logger)
        try await connection.execute("""
            INSERT INTO session (id, account, csrf, expires_at) VALUES (\(session), \(id), '', now() + make_interval(hours => \(unescaped: String(sessionHours))))
            """, logger: logger)
        return .signedIn(session: session, Account(id: id, name: name, role: role))
    }

    static func account(session: String, _ connection: PostgresConnection, logger: Logger) async throws -> Account? {
        let rows = try await connection.fetch("""
            SELECT a.id, a.name, a.role FROM session s JOIN account a ON a.id = s.account
            WHERE s.id = \(session) AND s.expires_at > now() AND a.active
            """, as: (String, String, String).self, logger: logger)
        return rows.first.flatMap { row in Role(rawValue: row.2).map { Account(id: row.0, name: row.1, role: $0) } }
    }

    static func logout(session: String, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("DELETE FROM session WHERE id = \(session)", logger: logger)
    }

    /// A hash nobody's password matches, for the unknown names.
    static let decoy = Bcrypt.hash(AccountService.randomToken(bytes: 12), cost: 11)
}
