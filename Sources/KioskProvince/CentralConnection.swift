import Foundation
import KioskCore
import KioskService
import Logging
import NIOSSL
import PostgresNIO

/// Opens connections to the province's central PostgreSQL and turns what goes wrong into
/// one sentence an IT officer can act on.
public struct CentralServer: Sendable {
    public let address: ProvinceServerAddress
    let password: String?

    /// `passwordFile`: read now, its last line break dropped; the URL's own password (from
    /// the command line) wins.
    public init(address: ProvinceServerAddress, passwordFile: String?) throws {
        self.address = address
        if let password = address.password {
            self.password = password
        } else if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw CentralError("cannot read the password file \(passwordFile)")
            }
            self.password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        } else {
            self.password = ProcessInfo.processInfo.environment["PGPASSWORD"]
        }
    }

    public func connect(logger: Logger, timeout: Duration = .seconds(10)) async throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                             password: password, database: address.database, tls: try tls())
        configuration.options.connectTimeout = .seconds(timeout.components.seconds)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch let error as PSQLError where error.code == .serverClosedConnection || error.code == .uncleanShutdown {
            // A PostgreSQL server says why it ends a login; something else just hangs up.
            throw CentralError("\(address.host):\(address.port) closed the connection at the first message: it does not answer as a PostgreSQL server (is the port right?)")
        } catch {
            throw CentralError(describing: error, server: address)
        }
    }

    /// Opens a connection, runs `body`, and closes it whatever happens.
    public func withConnection<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connect(logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw CentralError(describing: error, server: address)
        }
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var settings = TLSConfiguration.makeClientConfiguration()
        switch address.tls {
        case .disable: return .disable
        case .prefer, .require:
            // As libpq's prefer and require: encrypted, the certificate not checked.
            settings.certificateVerification = .none
        case .verifyFull: break
        }
        let context = try NIOSSLContext(configuration: settings)
        return address.tls == .prefer ? .prefer(context) : .require(context)
    }
}

/// What went wrong with the central database, in words: "the server refused the password
/// for kiosk", not a PSQLError dump.
public struct CentralError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    init(describing error: any Error, server: ProvinceServerAddress) {
        if let central = error as? CentralError {
            self = central
            return
        }
        let place = "\(server.host):\(server.port)"
        guard let psql = error as? PSQLError else {
            description = "\(place): \(error)"
            return
        }
        let message = psql.serverInfo?[.message]
        switch (psql.code, psql.serverInfo?[.sqlState]) {
        case (.server, "28P01"?), (.server, "28000"?):
            description = "the server at \(place) refused the login of \(server.user): \(message ?? "wrong password") (check password_file)"
        case (.server, "3D000"?):
            description = "the server at \(place) has no database \(server.database): create it (createdb \(server.database)), then run kiosk province migrate"
        case (.server, let state):
            description = "the server at \(place) said: \(message ?? "an error") (SQLSTATE \(state ?? "?"))"
        case (.connectionError, _):
            let cause = psql.underlying.map { "\($0)" } ?? "no answer"
            description = "cannot reach the server at \(place): \(cause)"
        case (.messageDecodingFailure, _), (.unexpectedBackendMessage, _), (.receivedUnencryptedDataAfterSSLRequest, _):
            description = "\(place) does not answer as a PostgreSQL server (is the port right?)"
        case (.sslUnsupported, _):
            description = "the server at \(place) does not offer TLS, and the URL asks for it (sslmode)"
        case (.serverClosedConnection, _), (.uncleanShutdown, _):
            description = "the server at \(place) closed the connection"
        case (.authMechanismRequiresPassword, _):
            description = "the server at \(place) asks for a password for \(server.user): give password_file"
        default:
            description = "\(place): \(psql.code)" + (message.map { ": \($0)" } ?? "")
        }
    }
}

extension CentralServer {
    /// Creates or upgrades the central schema; the versions applied now.
    public func migrate(logger: Logger) async throws -> [Int] {
        try await withConnection(logger: logger) { try await CentralSchema.migrate($0, logger: logger) }
    }

    public func report(from: LocalDay, to: LocalDay, by grouping: ProvinceGrouping, centre: String? = nil, rank: Bool = false,
                       logger: Logger) async throws -> ProvinceReport {
        try await withConnection(logger: logger) { connection in
            try await CentralSchema.check(connection, logger: logger)
            return try await withConnection(logger: logger) { second in
                try await ProvinceReport.load(connection, alongside: second, from: from, to: to, by: grouping, centre: centre, rank: rank,
                                              logger: logger)
            }
        }
    }
}
