#if canImport(Glibc)
import Glibc
#endif

/// A printer reached through a path: a serial port (set to raw mode at `baud`), a device node,
/// a FIFO, or a regular file (appended to; created if missing outside /dev). The path is opened
/// for each ticket, so a printer that was unplugged and came back just works again.
public struct DevicePathPrinter: TicketPrinter {
    public let path: String
    public let baud: Int
    public let writeTimeoutMs: Int32

    public init(path: String, baud: Int = 9600, writeTimeoutMs: Int32 = 5000) {
        self.path = path
        self.baud = baud
        self.writeTimeoutMs = writeTimeoutMs
    }

    public func send(_ bytes: [UInt8]) throws(DeviceError) {
        let create = path.hasPrefix("/dev/") ? 0 : O_CREAT
        let fd = try syscall(path, "open") { open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_APPEND | create, 0o644) }
        defer { close(fd) }
        if isatty(fd) == 1 { try SerialPort.configureRaw(fd: fd, path: path, baud: baud) }
        try writeAll(bytes, to: fd, path: path, timeoutMs: writeTimeoutMs)
        if isatty(fd) == 1 { _ = tcdrain(fd) }
    }
}
