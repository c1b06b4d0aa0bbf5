import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A printer reached through a path: a USB printer (`/dev/usb/lp0`), a serial port (set to
/// raw mode at `baud`), a FIFO, or a regular file (appended to; created if missing outside
/// /dev). The path is opened for each ticket, so a printer that was unplugged (`ENODEV`) and
/// came back just works again. Every step is non-blocking and bounded by the caller's
/// deadline (writing, waiting for the port to drain, the status exchange), so an offline
/// printer or one that holds CTS low fails its ticket instead of hanging.
public struct DevicePathPrinter: TicketPrinter {
    public let path: String
    public let baud: Int
    public let rtsCts: Bool
    /// How long one status query waits for its reply byte (within the deadline).
    public let statusTimeoutMs: Int32

    public init(path: String, baud: Int = 9600, rtsCts: Bool = false, statusTimeoutMs: Int32 = 300) {
        self.path = path
        self.baud = baud
        self.rtsCts = rtsCts
        self.statusTimeoutMs = statusTimeoutMs
    }

    /// On a serial line, 10 bits a byte (8N1) at the configured speed: a raster ticket takes
    /// some 38 s at 9600 baud, and must not fail for that.
    public func transmissionTime(bytes count: Int) -> Duration {
        guard path.contains("/tty") || path.hasPrefix("/dev/serial/") else { return .zero }
        return .milliseconds(count * 10 * 1000 / max(baud, 1))
    }

    public func send(_ bytes: [UInt8], by deadline: Deadline) throws(DeviceError) {
        let fd = try openPort(forStatus: false)
        let serial = isatty(fd) == 1
        do {
            try writeAll(bytes, to: fd, path: path, by: deadline)
            if serial {
                try waitDrained(fd, path: path, by: deadline)
            } else if isCharacterDevice(fd) {
                // The usblp driver takes a non-blocking write at once and sends it afterwards, and
                // closing the descriptor cancels what is still in flight: a lost ticket, found under
                // QEMU (scripts/hil). It reports writable again once the last transfer has ended.
                try waitWritable(fd, path: path, by: deadline)
            }
        } catch {
            // What did not go out is dropped, or closing a serial port would wait up to 30 s for it.
            if serial { tcflush(fd, TCOFLUSH) }
            close(fd)
            throw error
        }
        close(fd)
    }

    private func isCharacterDevice(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
    }

    /// Serial ports and device nodes answer; files and FIFOs cannot.
    public func status(by deadline: Deadline) throws(DeviceError) -> PrinterStatus {
        guard path.hasPrefix("/dev/") else { return .unknown }
        let fd = try openPort(forStatus: true)
        do {
            let status = try queryStatus(fd: fd, path: path, timeoutMs: statusTimeoutMs, by: deadline)
            close(fd)
            return status
        } catch {
            if isatty(fd) == 1 { tcflush(fd, TCOFLUSH) }  // a query stuck in the port must not hold up close
            close(fd)
            throw error
        }
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
