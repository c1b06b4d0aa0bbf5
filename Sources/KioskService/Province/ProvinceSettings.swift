import Foundation

/// Where the box reports (`[province]`): the central PostgreSQL and how often to look for
/// new events. The password is never in the config: it is read from `password_file`.
public struct ProvinceSettings: Sendable, Equatable {
    public var server: ProvinceServerAddress
    public var passwordFile: String?
    /// Events per batch (one transaction on the server).
    public var batchSize = 2_000
    /// How often a box that has sent everything looks for new events.
    public var intervalSeconds = 5
    /// The longest wait between two tries while the server is away.
    public var maxBackoffSeconds = 60
    /// How long a batch may wait for the server's answer before the connection is given up
    /// (a cable pulled out leaves a connection that never answers).
    public var answerSeconds = 30

    /// Where `kiosk-province sync` leaves its state for the daemon, beside the database.
    public static func statusFile(database: String) -> String { database + ".province.json" }

    public init(server: ProvinceServerAddress, passwordFile: String? = nil) {
        self.server = server
        self.passwordFile = passwordFile
    }
}

/// A PostgreSQL URL, `postgres://user@host:5432/database?sslmode=prefer`, as libpq reads
/// one: TLS when the server offers it (`prefer`, the default), never (`disable`), always
/// without checking the certificate (`require`), or always with it (`verify-full`).
public struct ProvinceServerAddress: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable { case disable, prefer, require, verifyFull = "verify-full" }

    public var user: String
    /// Only from a URL given on the command line; the daemon reads its password from a file.
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    /// Refuses what is not a PostgreSQL URL, saying why.
    public init(_ text: String) throws(Invalid) {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw Invalid("\(text) is not a PostgreSQL URL: write it as postgres://user@host:5432/database")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/"), !rest[rest.index(after: slash)...].isEmpty else {
            throw Invalid("\(text) names no database: write it as postgres://user@host:5432/database")
        }
        database = Self.decode(rest[rest.index(after: slash)...])
        var authority = rest[..<slash]
        guard let at = authority.lastIndex(of: "@") else {
            throw Invalid("\(text) names no user: write it as postgres://user@host:5432/database")
        }
        let credentials = authority[..<at]
        authority = authority[authority.index(after: at)...]
        if let colon = credentials.firstIndex(of: ":") {
            user = Self.decode(credentials[..<colon])
            password = Self.decode(credentials[credentials.index(after: colon)...])
        } else {
            user = Self.decode(credentials)
        }
        guard !user.isEmpty else { throw Invalid("\(text) names no user: write it as postgres://user@host:5432/database") }
        // [::1]:5432, host:5432 or host
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            authority = authority[authority.index(after: close)...]
            port = 5432
            if authority.hasPrefix(":") {
                guard let p = Int(authority.dropFirst()), (1...65535).contains(p) else { throw Invalid("\(text): the port is not a number from 1 to 65535") }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw Invalid("\(text): the port is not a number from 1 to 65535")
            }
            port = p
        } else {
            host = String(authority)
            port = 5432
        }
        guard !host.isEmpty else { throw Invalid("\(text) names no host: write it as postgres://user@host:5432/database") }
        tls = .prefer
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "sslmode" else {
                throw Invalid("\(text): only sslmode=disable|prefer|require|verify-full may follow the database")
            }
            guard let mode = TLSMode(rawValue: parts[1]) else {
                throw Invalid("\(text): sslmode \(parts[1]) is not one of disable, prefer, require, verify-full")
            }
            tls = mode
        }
    }

    /// The URL without its password, for the log and the health page.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }

    private static func decode(_ part: Substring) -> String {
        String(part).removingPercentEncoding ?? String(part)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
