#if canImport(Glibc)
import Glibc
#endif

/// A printer reached through a path: a USB printer (`/dev/usb/lp0`), a serial port (set to
/// raw mode at `baud`), a FIFO, or a regular file (appended to; created if missing outside
/// /dev). The path is opened for each ticket, so a printer that was unplugged (`ENODEV`) and
/// came back just works again; writes are non-blocking with a deadline, so an offline
/// printer times out instead of hanging.
public struct DevicePathPrinter: TicketPrinter {
    public let path: String
    public let baud: Int
    public let rtsCts: Bool
    public let writeTimeoutMs: Int32
    public let statusTimeoutMs: Int32

    public init(path: String, baud: Int = 9600, rtsCts: Bool = false, writeTimeoutMs: Int32 = 5000, statusTimeoutMs: Int32 = 300) {
        self.path = path
        self.baud = baud
        self.rtsCts = rtsCts
        self.writeTimeoutMs = writeTimeoutMs
        self.statusTimeoutMs = statusTimeoutMs
    }

    public func send(_ bytes: [UInt8]) throws(DeviceError) {
        let fd = try openPort(forStatus: false)
        defer { close(fd) }
        try writeAll(bytes, to: fd, path: path, timeoutMs: writeTimeoutMs)
        if isatty(fd) == 1 {
            _ = tcdrain(fd)
        } else if isCharacterDevice(fd) {
            // The usblp driver takes a non-blocking write at once and sends it afterwards, and
            // closing the descriptor cancels what is still in flight: a lost ticket, found under
            // QEMU (scripts/hil). It reports writable again once the last transfer has ended.
            try waitWritable(fd, path: path, timeoutMs: writeTimeoutMs)
        }
    }

    private func isCharacterDevice(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
    }

    /// Serial ports and device nodes answer; files and FIFOs cannot.
    public func status() throws(DeviceError) -> PrinterStatus {
        guard path.hasPrefix("/dev/") else { return .unknown }
        let fd = try openPort(forStatus: true)
        defer { close(fd) }
        return try queryStatus(fd: fd, path: path, timeoutMs: statusTimeoutMs)
    }

    private func openPort(forStatus: Bool) throws(DeviceError) -> Int32 {
        let device = path.hasPrefix("/dev/")
        let flags = (device ? O_RDWR : O_WRONLY | O_APPEND | O_CREAT) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC
        let fd = try syscall(path, "open") { open(path, flags, 0o644) }
        if isatty(fd) == 1 {
            do { try SerialPort.configureRaw(fd: fd, path: path, baud: baud, rtsCts: rtsCts) } catch {
                close(fd)
                throw error
            }
        }
        return fd
    }
}
