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

/// A PostgreSQL URL, `postgres://user@host:5432/database`, as libpq reads one, with one
/// difference: TLS with the server's certificate checked (`verify-full`) is the default, and
/// the only other choice is no TLS at all (`sslmode=disable`, written out). libpq's `prefer`
/// and `require` accept any certificate, so a machine on the path could pose as the province
/// and take the box's login: they are refused. `sslrootcert=FILE` names the CA that signed the
/// server's certificate (the province's own), else the system's CAs are trusted.
public struct ProvinceServerAddress: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable
        case verifyFull = "verify-full"
    }

    public var user: String
    /// Only from a URL given on the command line; the daemon reads its password from a file.
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// The CA certificate(s) the server's certificate must chain to (`sslrootcert`); nil: the system's.
    public var caFile: String?

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
                guard let p = Int(authority.dropFirst()), (1...65535).contains(p) else {
                    throw Invalid("\(text): the port is not a number from 1 to 65535")
                }
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
        tls = .verifyFull
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["sslmode", "sslrootcert"].contains(parts[0]) else {
                throw Invalid("\(text): only sslmode=verify-full|disable and sslrootcert=FILE may follow the database")
            }
            if parts[0] == "sslrootcert" {
                caFile = Self.decode(Substring(parts[1]))
                continue
            }
            if parts[1] == "prefer" || parts[1] == "require" || parts[1] == "allow" || parts[1] == "verify-ca" {
                throw Invalid(
                    "\(text): sslmode=\(parts[1]) does not check that the server is the province's (a machine on the path "
                        + "could pose as it and take the login): leave sslmode out (verify-full, the default; give the province's "
                        + "CA as ca_file or sslrootcert) or, on a network you trust, write sslmode=disable")
            }
            guard let mode = TLSMode(rawValue: parts[1]) else {
                throw Invalid("\(text): sslmode \(parts[1]) is not one of verify-full, disable")
            }
            tls = mode
        }
    }

    /// The URL without its password, for the log and the health page.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .verifyFull ? "" : "?sslmode=\(tls.rawValue)")
    }

    private static func decode(_ part: Substring) -> String {
        String(part).removingPercentEncoding ?? String(part)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
