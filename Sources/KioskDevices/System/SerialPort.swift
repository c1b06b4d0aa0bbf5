import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// termios settings for the serial devices of the hall: raw bytes, 8N1, no echo, no
/// translation of line ends, no flow control unless asked.
public enum SerialPort {
    public static let supportedBauds: [Int: speed_t] = [
        1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
        19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600), 115200: speed_t(B115200),
    ]

    public static func configureRaw(fd: Int32, path: String, baud: Int, rtsCts: Bool = false) throws(DeviceError) {
        guard let speed = supportedBauds[baud] else { throw DeviceError(path: path, operation: "set baud \(baud)", errno: EINVAL) }
        var t = termios()
        try syscall(path, "tcgetattr") { tcgetattr(fd, &t) }
        cfmakeraw(&t)
        t.c_cflag &= ~tcflag_t(CSTOPB | PARENB | CSIZE)
        t.c_cflag |= tcflag_t(CS8 | CLOCAL | CREAD)
        if rtsCts { t.c_cflag |= tcflag_t(CRTSCTS) } else { t.c_cflag &= ~tcflag_t(CRTSCTS) }
        t.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        cfsetispeed(&t, speed)
        cfsetospeed(&t, speed)
        try syscall(path, "tcsetattr") { tcsetattr(fd, TCSANOW, &t) }
    }
}
