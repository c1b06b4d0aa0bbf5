#if canImport(Glibc)
import Glibc
#endif

/// Writes every byte to a non-blocking descriptor, waiting at most `timeoutMs` each time the
/// device stops accepting data: an offline printer times out instead of hanging the daemon.
func writeAll(_ bytes: [UInt8], to fd: Int32, path: String, timeoutMs: Int32) throws(DeviceError) {
    var offset = 0
    while offset < bytes.count {
        try waitWritable(fd, path: path, timeoutMs: timeoutMs)
        let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { continue }
            throw DeviceError(path: path, operation: "write", errno: errno)
        }
        offset += n
    }
}

/// Waits until the descriptor takes data again, at most `timeoutMs`.
func waitWritable(_ fd: Int32, path: String, timeoutMs: Int32) throws(DeviceError) {
    var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    while true {
        let ready = poll(&pfd, 1, timeoutMs)
        if ready > 0 { return }
        if ready == 0 { throw DeviceError(path: path, operation: "write", errno: ETIMEDOUT) }
        if errno != EINTR { throw DeviceError(path: path, operation: "poll", errno: errno) }
    }
}
