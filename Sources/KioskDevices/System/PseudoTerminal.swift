import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair: its slave side is a serial port for the daemon (an LED bus, a
/// printer), its master side the far end. For tests and benchmarks without hardware.
public final class PseudoTerminal: @unchecked Sendable {
    public let master: Int32
    public let slavePath: String

    public init() throws(DeviceError) {
        // posix_openpt and friends are not visible from Swift: do what they do.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        // TIOCSPTLCK (unlock the slave), then TIOCGPTN (its number).
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0,
            ioctl(master, 0x8004_5430, &number) == 0
        else {
            throw DeviceError(path: "/dev/ptmx", operation: "open a pseudo-terminal", errno: errno)
        }
        slavePath = "/dev/pts/\(number)"
    }

    deinit { close(master) }

    /// Reads what arrived within `timeoutMs`.
    public func drain(timeoutMs: Int32 = 500) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeoutMs) > 0 else { return out }
            let n = read(master, &buffer, buffer.count)
            guard n > 0 else { return out }
            out += buffer[0..<n]
        }
    }
}
