import Foundation
import Hummingbird
import HummingbirdCore
import KioskCore
import KioskPages
import Logging
import NIOCore
import ServiceLifecycle

/// Hummingbird's `Application`, less one thing: its date cache, a task that wakes every second
/// to format the `Date` header in advance. An idle hall box should sleep; the header is
/// formatted when a response needs it instead (a few microseconds, for a LAN's traffic).
///
/// Why not `Application` itself: its `DateCache` is internal and always runs (an
/// `AsyncTimerSequence` of one second per listener, two with HTTPS), which is at least one
/// wakeup a second more than the whole idle daemon has today (1.1 a second, `scripts/bench`'s
/// idle figure). Hummingbird offers no setting to leave it out.
struct QuietApplication: ApplicationProtocol {
    typealias Responder = RouterResponder<KioskRequestContext>
    let responder: Responder
    let server: HTTPServerBuilder
    let configuration: ApplicationConfiguration
    /// The same settings, as the server takes them (`ApplicationConfiguration` keeps its own conversion internal).
    let serverConfiguration: ServerConfiguration
    let logger: Logger
    let ready: @Sendable (any Channel) async -> Void
    /// The HTTPS listener: its requests say so (`KioskRequestContext.secure`).
    let secure: Bool

    init(
        router: Router<KioskRequestContext>, server: HTTPServerBuilder, address: BindAddress, serverName: String,
        availableConnectionsDelegate: any AvailableConnectionsDelegate, secure: Bool = false,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void, logger: Logger
    ) {
        self.secure = secure
        self.responder = router.buildResponder()
        self.server = server
        self.configuration = ApplicationConfiguration(
            address: address, serverName: serverName,
            availableConnectionsDelegate: availableConnectionsDelegate)
        self.serverConfiguration = ServerConfiguration(
            address: address, serverName: serverName,
            availableConnectionsDelegate: availableConnectionsDelegate)
        self.logger = logger
        self.ready = onServerRunning
    }

    func onServerRunning(_ channel: any Channel) async { await ready(channel) }

    func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let serverName = configuration.serverName
        let secure = self.secure
        let server = try self.server.buildServer(
            configuration: serverConfiguration, eventLoopGroup: eventLoopGroup,
            logger: logger
        ) { (request, responseWriter: consuming ResponseWriter, channel) in
            var context = KioskRequestContext(source: .init(channel: channel, logger: logger))
            context.secure = secure
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPResponseError {
                // As Hummingbird's own: a thrown HTTP error becomes its response.
                response = try error.response(from: request, context: context)
            } catch {
                logger.debug("unhandled error", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError, body: .init())
            }
            response.headers[.date] = DateText.http(Date())
            if let serverName { response.headers[.server] = serverName }
            try await responseWriter.write(response: response.head, body: response.body)
        } onServerRunning: {
            await self.onServerRunning($0)
        }
        try await ServiceGroup(configuration: .init(services: [server], logger: logger)).run()
    }
}
