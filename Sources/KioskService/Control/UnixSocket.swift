import Foundation
import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Small helpers for the local control socket (AF_UNIX, one line each way).
enum UnixSocket {
    static func address(_ path: String) throws(DeviceError) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw DeviceError(path: path, operation: "socket path", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return addr
    }

    static func listen(at path: String) throws(DeviceError) -> Int32 {
        var addr = try address(path)
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DeviceError(path: path, operation: "socket", errno: errno) }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw DeviceError(path: path, operation: "bind", errno: code)
        }
        // Owner and group only: the control socket signs officers in.
        chmod(path, 0o660)
        guard Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw DeviceError(path: path, operation: "listen", errno: code)
        }
        return fd
    }

    static func connect(to path: String) throws(DeviceError) -> Int32 {
        var addr = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DeviceError(path: path, operation: "socket", errno: errno) }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw DeviceError(path: path, operation: "connect", errno: code)
        }
        return fd
    }

    /// Reads up to a newline (or end of stream) before the deadline: a client that sends a
    /// byte now and then cannot hold the line longer. Nil when the deadline passed first or
    /// the line is longer than `limit`.
    static func readLine(_ fd: Int32, by deadline: Deadline, limit: Int = 4096) -> String? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, deadline.remainingMs())
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 { break }
            data += buffer[0..<n]
            if let end = data.firstIndex(of: 0x0A) {
                data = Array(data[..<end])
                break
            }
            if data.count > limit { return nil }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the line before the deadline, or gives up (a client that stopped reading).
    static func writeLine(_ fd: Int32, _ text: String, by deadline: Deadline = .after(.seconds(2))) {
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, deadline.remainingMs()) > 0 { continue }
                return
            }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Who is on the other end of a connected socket: process, user and group, as the kernel
    /// says (`SO_PEERCRED`), not as the client claims.
    static func peer(_ fd: Int32) -> (pid: Int32, uid: UInt32, gid: UInt32)? {
        var credentials = (pid: Int32(0), uid: UInt32(0), gid: UInt32(0))  // struct ucred
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        let SO_PEERCRED: Int32 = 17
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
        return credentials
    }
}
