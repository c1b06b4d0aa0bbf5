import Foundation
import KioskCore

#if canImport(Glibc)
    import Glibc
#endif

/// One daemon per database: `kiosk run` holds an exclusive lock on `<database>.lock` for
/// its whole life. A second one finds it taken, names the running one (from what the lock
/// file says) and stops before touching anything. The kernel releases the lock when the
/// holder exits, even after `kill -9`, so a stale file never blocks a restart.
public final class InstanceLock: Sendable {
    public let path: String
    private let fd: Int32

    public struct Taken: Error, CustomStringConvertible {
        public let path: String
        public let holder: String
        public var description: String {
            "another kiosk daemon is running on this database (\(holder.isEmpty ? "lock \(path)" : holder)): stop it first (`systemctl stop kiosk`, or end that process)"
        }
    }

    public init(database: String, config: String) throws {
        path = database + ".lock"
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreOpenError(path: path, message: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.contents(fd)
            close(fd)
            throw Taken(path: path, holder: holder)
        }
        let started = DateText.iso8601(Date())
        let text = "pid \(getpid()), config \(config), started \(started)"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}

/// The lock file itself could not be opened (a read-only folder, permissions).
public struct StoreOpenError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): cannot open the lock file: \(message)" }
}
