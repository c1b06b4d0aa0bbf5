import Foundation

/// The web server and its limits: the hall's LAN is not trusted (any browser on it can
/// send requests), and the printer must keep its file descriptors whatever arrives.
public struct HTTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Open connections at once; past it new ones wait in the kernel's queue.
    public var maxConnections = 256
    /// From one address: one machine cannot take every connection.
    public var maxConnectionsPerAddress = 32
    /// Live display streams (hall TVs, counter screens) at once.
    public var maxDisplayClients = 64
    /// A connection that sends no request for this long is closed.
    public var idleSeconds = 30
    /// Tickets from one machine's touch kiosk page: per service, and in all, within `ticketWindowSeconds`.
    public var ticketsPerService = 3
    public var ticketsOverall = 10
    public var ticketWindowSeconds = 20

    /// Addresses that may read `/metrics` without a session (an admin's session reads it from anywhere).
    public var metricsAddresses = ["127.0.0.1", "::1"]
    /// HTTPS for the staff pages: a second listener with this certificate chain and key (PEM).
    public var tls: TLSSettings?

    public struct TLSSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var certificate: String
        public var key: String
    }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

extension HTTPSettings {
    /// `[http]`: `bind` and the limits, and HTTPS for the staff pages when a certificate is given.
    static func read(_ top: TableReader) throws(ConfigError) -> HTTPSettings {
        let t = try top.table("http")
        let bind = try t?.string("bind", default: "127.0.0.1:8080") ?? "127.0.0.1:8080"
        guard let (host, port) = hostAndPort(bind) else { throw t!.error("bind", "\(bind) is not host:port (like 127.0.0.1:8080)") }
        var http = HTTPSettings(host: host, port: port)
        guard let t else { return http }
        http.maxConnections = try t.int("max_connections", default: http.maxConnections, in: 8...10_000)
        http.maxConnectionsPerAddress = try t.int(
            "max_connections_per_address", default: http.maxConnectionsPerAddress,
            in: 2...http.maxConnections)
        http.maxDisplayClients = try t.int("max_display_clients", default: http.maxDisplayClients, in: 1...http.maxConnections)
        http.idleSeconds = try t.int("idle_seconds", default: http.idleSeconds, in: 1...3600)
        http.metricsAddresses = try t.strings("metrics_addresses", default: http.metricsAddresses)
        http.ticketsPerService = try t.int("tickets_per_service", default: http.ticketsPerService, in: 1...1000)
        http.ticketsOverall = try t.int("tickets_overall", default: http.ticketsOverall, in: 1...10_000)
        http.ticketWindowSeconds = try t.int("ticket_window_seconds", default: http.ticketWindowSeconds, in: 1...3600)
        if t.has("tls_certificate") || t.has("tls_key") {
            guard t.has("tls_certificate") else { throw t.error("tls_key", "needs tls_certificate (the certificate chain, PEM) beside it") }
            guard t.has("tls_key") else { throw t.error("tls_certificate", "needs tls_key (its private key, PEM) beside it") }
            let certificate = try t.path("tls_certificate")
            let key = try t.path("tls_key")
            for (name, file) in [("tls_certificate", certificate), ("tls_key", key)] where !FileManager.default.isReadableFile(atPath: file)
            {
                throw t.error(name, "cannot read \(file)")
            }
            let tlsBind = try t.string("tls_bind", default: "\(http.host):8443")
            guard let (tlsHost, tlsPort) = hostAndPort(tlsBind), tlsPort != http.port else {
                throw t.error("tls_bind", "\(tlsBind) is not host:port on another port than bind (like 0.0.0.0:8443)")
            }
            http.tls = .init(host: tlsHost, port: tlsPort, certificate: certificate, key: key)
        } else if t.has("tls_bind") {
            throw t.error("tls_bind", "needs tls_certificate and tls_key")
        }
        try t.finish()
        return http
    }

    /// `host:port` with a port from 1 to 65535, or nil.
    private static func hostAndPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port),
            !text[..<colon].isEmpty
        else { return nil }
        return (String(text[..<colon]), port)
    }
}
