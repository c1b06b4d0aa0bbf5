/// Something that takes a whole ticket's bytes. Each transport is one `send`.
public protocol TicketPrinter: Sendable {
    var path: String { get }
    func send(_ bytes: [UInt8]) throws(DeviceError)
}
