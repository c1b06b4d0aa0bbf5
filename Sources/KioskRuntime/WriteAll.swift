#if canImport(Glibc)
    import Glibc
#endif

/// Writes every byte to a non-blocking descriptor before `deadline`: an offline printer, a
/// serial port held by flow control or a network printer that stopped reading times out
/// instead of hanging the daemon.
public func writeAll(_ bytes: [UInt8], to fd: Int32, path: String, by deadline: Deadline) throws(DeviceError) {
    var offset = 0
    while offset < bytes.count {
        try waitWritable(fd, path: path, by: deadline)
        let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { continue }
            throw DeviceError(path: path, operation: "write", errno: errno)
        }
        offset += n
    }
}

/// Waits until the descriptor takes data again, at most until `deadline`.
public func waitWritable(_ fd: Int32, path: String, by deadline: Deadline) throws(DeviceError) {
    var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    while true {
        let ready = poll(&pfd, 1, deadline.remainingMs())
        if ready > 0 {
            if pfd.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 && pfd.revents & Int16(POLLOUT) == 0 {
                throw DeviceError(path: path, operation: "write", errno: EIO)
            }
            return
        }
        if ready == 0 { throw DeviceError(path: path, operation: "write", errno: ETIMEDOUT) }
        if errno != EINTR { throw DeviceError(path: path, operation: "poll", errno: errno) }
    }
}

/// Waits until a serial port has sent what it was given, at most until `deadline`: the
/// kernel's `tcdrain` has no timeout and waits forever on a printer that holds CTS low.
/// On timeout the unsent bytes are discarded, so closing the port does not wait for them either.
public func waitDrained(_ fd: Int32, path: String, by deadline: Deadline) throws(DeviceError) {
    while true {
        var queued: Int32 = 0
        // TIOCOUTQ: bytes still in the driver's output queue.
        guard ioctl(fd, UInt(TIOCOUTQ), &queued) == 0 else { return }  // a port that cannot say: nothing to wait for
        if queued == 0 { return }
        let left = deadline.remainingMs(cap: 5)
        if left == 0 {
            tcflush(fd, TCOFLUSH)
            throw DeviceError(path: path, operation: "drain (\(queued) bytes not sent)", errno: ETIMEDOUT)
        }
        usleep(UInt32(left) * 1000)
    }
}
