import Foundation
import KioskDevices
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

    /// Reads up to a newline (or end of stream), waiting at most `timeoutMs` for each piece.
    static func readLine(_ fd: Int32, timeoutMs: Int32, limit: Int = 4096) -> String? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while data.count < limit {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeoutMs) > 0 else { return nil }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
            if let end = data.firstIndex(of: 0x0A) { data = Array(data[..<end]); break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func writeLine(_ fd: Int32, _ text: String) {
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
