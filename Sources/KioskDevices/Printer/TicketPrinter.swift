import KioskRuntime

/// Something that takes a whole ticket's bytes, and may say how it is. Each transport is
/// one `send` and one `status`, each finished or failed by its deadline.
public protocol TicketPrinter: Sendable {
    var path: String { get }
    func send(_ bytes: [UInt8], by deadline: Deadline) throws(DeviceError)
    /// `DLE EOT` 1, 2, 4; `.unknown` where the printer cannot answer.
    func status(by deadline: Deadline) throws(DeviceError) -> PrinterStatus
    /// How long `count` bytes take on the link itself (a slow serial line), beyond any deadline.
    func transmissionTime(bytes count: Int) -> Duration
}

extension TicketPrinter {
    /// With the usual five seconds (installers' tools, tests).
    public func send(_ bytes: [UInt8]) throws(DeviceError) { try send(bytes, by: .after(.seconds(5))) }
    public func status() throws(DeviceError) -> PrinterStatus { try status(by: .after(.seconds(5))) }
    public func transmissionTime(bytes count: Int) -> Duration { .zero }
}

/// Printer transports by address: `tcp://host:port` or a path.
public enum PrinterTransport {
    public static func make(address: String, baud: Int = 9600, rtsCts: Bool = false) -> any TicketPrinter {
        if address.hasPrefix("tcp://") {
            let rest = address.dropFirst("tcp://".count)
            let (host, port): (String, Int) = {
                if let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) {
                    return (String(rest[..<colon]), port)
                }
                return (String(rest), 9100)
            }()
            return TCPPrinter(host: host, port: port)
        }
        return DevicePathPrinter(path: address, baud: baud, rtsCts: rtsCts)
    }
}
