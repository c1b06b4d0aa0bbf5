import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A network printer on raw TCP (port 9100), with connect and write timeouts within the
/// caller's deadline. One connection per ticket: printers drop idle connections, and a fresh
/// one fails fast.
public struct TCPPrinter: TicketPrinter {
    public let host: String
    public let port: Int
    public let connectTimeoutMs: Int32
    public let statusTimeoutMs: Int32

    public var path: String { "tcp://\(host):\(port)" }

    public init(host: String, port: Int = 9100, connectTimeoutMs: Int32 = 3000, statusTimeoutMs: Int32 = 500) {
        self.host = host
        self.port = port
        self.connectTimeoutMs = connectTimeoutMs
        self.statusTimeoutMs = statusTimeoutMs
    }

    public func send(_ bytes: [UInt8], by deadline: Deadline) throws(DeviceError) {
        let fd = try connect(by: deadline)
        defer { close(fd) }
        try writeAll(bytes, to: fd, path: path, by: deadline)
    }

    public func status(by deadline: Deadline) throws(DeviceError) -> PrinterStatus {
        let fd = try connect(by: deadline)
        defer { close(fd) }
        return try queryStatus(fd: fd, path: path, timeoutMs: statusTimeoutMs, by: deadline)
    }

    private func connect(by deadline: Deadline) throws(DeviceError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
            throw DeviceError(path: path, operation: "resolve \(host)", errno: EHOSTUNREACH)
        }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DeviceError(path: path, operation: "socket", errno: errno) }
        if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            throw DeviceError(path: path, operation: "connect", errno: code)
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&pfd, 1, Deadline.after(milliseconds: Int(connectTimeoutMs)).capped(at: deadline).remainingMs()) > 0 else {
            close(fd)
            throw DeviceError(path: path, operation: "connect", errno: ETIMEDOUT)
        }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
        guard failure == 0 else {
            close(fd)
            throw DeviceError(path: path, operation: "connect", errno: failure)
        }
        return fd
    }
}
