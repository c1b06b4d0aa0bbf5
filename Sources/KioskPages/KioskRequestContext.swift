import Hummingbird
import NIOCore

/// Each request's context: Hummingbird's, plus the client's address (the login's per-address
/// limit, and the audit log's "from where").
public struct KioskRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The request came over the HTTPS listener.
    public var secure = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address; "unknown" when there is none (never taken for the local machine).
    public var address: String { remoteAddress?.ipAddress ?? "unknown" }
}
