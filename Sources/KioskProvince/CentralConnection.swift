import Foundation
import KioskCore
import KioskService
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import PostgresNIO
import Synchronization

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

    /// A connection to the central database. The channel is set up here, not by postgres-nio:
    /// TLS is asked for and the certificate checked against the province's CA (`verify-full`),
    /// or TLS is off only where the URL says `sslmode=disable`; and whatever the mode, a
    /// server that asks for the password in clear or as MD5 gets nothing (`AuthenticationGuard`):
    /// the password leaves this box only inside SCRAM, which a server that does not know it
    /// cannot answer.
    public func connect(logger: Logger, timeout: Duration = .seconds(10)) async throws -> PostgresConnection {
        let place = "\(address.host):\(address.port)"
        let tls = try tlsContext()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(timeout.components.seconds))
                .connect(host: address.host, port: address.port).get()
        } catch {
            throw CentralError("cannot reach the server at \(place): \(error)")
        }
        let guarding = AuthenticationGuard()
        do {
            if let tls {
                try await withDeadline(Int(timeout.components.seconds), what: "the answer to TLS", giveUp: { channel.close(promise: nil) })
                {
                    try await Self.startTLS(on: channel, context: tls, host: address.host, place: place, guarding: guarding)
                }
            } else {
                try await channel.pipeline.addHandler(guarding)
            }
            let configuration = PostgresConnection.Configuration(
                establishedChannel: channel, username: address.user, password: password,
                database: address.database)
            return try await PostgresConnection.connect(on: channel.eventLoop, configuration: configuration, id: 1, logger: logger)
        } catch {
            channel.close(promise: nil)
            if let refused = guarding.refused { throw CentralError(refused(place)) }
            if let central = error as? CentralError { throw central }
            if let psql = error as? PSQLError, let ssl = psql.underlying as? NIOSSLError {
                throw CentralError(
                    "the server at \(place) is not the province's, as far as TLS can tell: its certificate failed the check "
                        + "(\(ssl)); give the province's CA as ca_file (or sslrootcert=FILE)")
            }
            if let psql = error as? PSQLError, psql.code == .serverClosedConnection || psql.code == .uncleanShutdown {
                // A PostgreSQL server says why it ends a login; something else just hangs up.
                throw CentralError(
                    "\(place) closed the connection at the first message: it does not answer as a PostgreSQL server (is the port right?)")
            }
            throw CentralError(describing: error, server: address)
        }
    }

    /// PostgreSQL's SSLRequest: the server answers one byte, `S` (TLS follows) or `N`.
    private static func startTLS(
        on channel: any Channel, context: NIOSSLContext, host: String, place: String,
        guarding: AuthenticationGuard
    ) async throws {
        let reply = TLSReply(promise: channel.eventLoop.makePromise())
        try await channel.pipeline.addHandler(reply)
        var request = channel.allocator.buffer(capacity: 8)
        request.writeInteger(Int32(8))
        request.writeInteger(Int32(80_877_103))
        try await channel.writeAndFlush(request)
        let answer = try await reply.promise.futureResult.get()
        try await channel.pipeline.removeHandler(reply)
        switch answer {
        case UInt8(ascii: "S"):
            // An IP address is checked against the certificate's IP names (NIOSSL does that
            // when no host name is given); a name, against its DNS names.
            let name = host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
            // The guard first, then TLS in front of it: the guard reads the decrypted messages,
            // and is there before the handshake can finish. The handshake is done here, whole,
            // before postgres-nio has the channel: a certificate that fails is said as such.
            let handshake = channel.eventLoop.makePromise(of: Void.self)
            guarding.handshake = handshake
            try await channel.pipeline.addHandler(guarding)
            try await channel.pipeline.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name), position: .first)
            do {
                try await handshake.futureResult.get()
            } catch let ssl as NIOSSLError {
                throw CentralError(
                    "the server at \(place) is not the province's, as far as TLS can tell: its certificate failed the check "
                        + "(\(ssl)); give the province's CA as ca_file (or sslrootcert=FILE)")
            } catch {
                throw CentralError("the server at \(place) ended the connection during TLS's handshake: \(error)")
            }
        case UInt8(ascii: "N"):
            throw CentralError(
                "the server at \(place) does not offer TLS, and this box sends its login only over TLS with the "
                    + "province's certificate checked: turn ssl on at the server (or, on a network you trust, sslmode=disable)")
        default:
            throw CentralError("\(place) does not answer as a PostgreSQL server (is the port right?)")
        }
    }

    /// The TLS settings for `verify-full`: the server's certificate must chain to `caFile`
    /// (or the system's CAs) and name the host. Nil for `disable`.
    private func tlsContext() throws -> NIOSSLContext? {
        guard address.tls == .verifyFull else { return nil }
        var settings = TLSConfiguration.makeClientConfiguration()
        settings.certificateVerification = .fullVerification
        if let caFile = address.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw CentralError("cannot read the province's CA certificate \(caFile) (ca_file)")
            }
            settings.trustRoots = .file(caFile)
        }
        do {
            return try NIOSSLContext(configuration: settings)
        } catch {
            throw CentralError("the province's CA certificate \(address.caFile ?? "(the system's)") cannot be used: \(error)")
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
}

/// The server's one-byte answer to an SSLRequest. Anything sent after it before the TLS
/// handshake would be read as if it came through TLS: refused (CVE-2021-23222).
private final class TLSReply: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<UInt8>

    init(promise: EventLoopPromise<UInt8>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self)
        guard let first, first == UInt8(ascii: "S") || first == UInt8(ascii: "N") else {
            promise.fail(
                CentralError(
                    "\(context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "the server") does not answer as a PostgreSQL server (is the port right?)"
                ))
            context.close(promise: nil)
            return
        }
        guard buffer.readableBytes == 1 else {
            promise.fail(CentralError("the server sent more than its one-byte answer to TLS: refused"))
            context.close(promise: nil)
            return
        }
        promise.succeed(first)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(
            CentralError(
                "the server closed the connection when asked for TLS: it does not answer as a PostgreSQL server (is the port right?)"))
        context.fireChannelInactive()
    }
}

/// Reads the server's messages until the login is done, and ends the connection when the
/// server asks for the password in clear text (AuthenticationCleartextPassword, 3) or as MD5
/// (5), before postgres-nio can answer: a server that does not know the box's password, or
/// a machine on the path posing as the server, would receive it (MD5's is as good as the
/// password). Only SCRAM is answered. Gone from the pipeline once the server says the login is
/// done; every message is passed on whole.
final class AuthenticationGuard: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    // @unchecked: `pending` and `handshake` are touched on the channel's event loop only (and
    // `handshake` set once before the handler is added); `refusal` under its lock.
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var pending: ByteBuffer?
    private let refusal = Mutex<(@Sendable (String) -> String)?>(nil)

    /// Why the connection was ended, as a sentence about the server at a place; nil while it was not.
    var refused: (@Sendable (String) -> String)? { refusal.withLock { $0 } }

    /// The TLS handshake's end, for the one waiting on it (set on the channel's event loop's
    /// way in, before the TLS handler is added).
    var handshake: EventLoopPromise<Void>?

    /// The TLS handshake was done by our own handler, not postgres-nio's: it must not hear of it.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent {
            if case .handshakeCompleted = tls {
                handshake?.succeed()
                handshake = nil
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let handshake {
            self.handshake = nil
            handshake.fail(error)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let handshake {
            self.handshake = nil
            handshake.fail(ChannelError.alreadyClosed)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if pending == nil { pending = incoming } else { pending!.writeBuffer(&incoming) }
        while var buffer = pending, buffer.readableBytes >= 5,
            let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self), length >= 4,
            buffer.readableBytes >= 1 + Int(length)
        {
            var done = false
            if type == UInt8(ascii: "R"), length >= 8, let code = buffer.getInteger(at: buffer.readerIndex + 5, as: Int32.self) {
                if code == 3 || code == 5 {
                    let how = code == 3 ? "in clear text" : "as MD5"
                    refusal.withLock {
                        $0 = { place in
                            "the server at \(place) asked for the password \(how); this box gives it only through SCRAM (scram-sha-256), "
                                + "so it sent nothing and hung up. Is a machine on the path posing as the province? (pg_hba.conf must say scram-sha-256)"
                        }
                    }
                    pending = nil
                    context.close(promise: nil)
                    return
                }
                done = code == 0
            }
            let message = buffer.readSlice(length: 1 + Int(length))!
            pending = buffer
            context.fireChannelRead(wrapInboundOut(message))
            if done {
                if let rest = pending, rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
                pending = nil
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
        }
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
            description =
                "the server at \(place) has no database \(server.database): create it (createdb \(server.database)), then run kiosk-province migrate"
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

    public func report(
        from: LocalDay, to: LocalDay, by grouping: ProvinceGrouping, centre: String? = nil, rank: Bool = false,
        logger: Logger
    ) async throws -> ProvinceReport {
        try await withConnection(logger: logger) { connection in
            try await CentralSchema.check(connection, logger: logger)
            return try await withConnection(logger: logger) { second in
                try await ProvinceReport.load(
                    connection, alongside: second, from: from, to: to, by: grouping, centre: centre, rank: rank,
                    logger: logger)
            }
        }
    }
}
