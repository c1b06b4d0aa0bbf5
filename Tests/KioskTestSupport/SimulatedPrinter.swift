import Foundation
import Glibc
import KioskDevices
import KioskRuntime
import Synchronization

/// The far end of a printer link (a pseudo-terminal's master side, or a TCP connection):
/// keeps what it receives, minus status queries, and answers `DLE EOT n` as a real printer
/// with the given condition would, or not at all.
public final class SimulatedPrinter: Sendable {
    public struct Condition: Sendable {
        public var answers = true
        public var paperEnd = false
        public var paperNearEnd = false
        public var coverOpen = false
        public var offline = false
        /// Junk the printer sends on its own before each answer (real ones do).
        public var chatter: [UInt8] = []
        /// Sends junk bytes without end, as a broken printer (or a wrong baud rate) does.
        public var babbles = false
        public init() {}
    }

    private let state = Mutex<(condition: Condition, received: [UInt8], queries: Int)>((Condition(), [], 0))
    private let stopped = Mutex(false)
    /// One per serving thread, signalled when it has let go of its descriptor.
    private let finished = Mutex<[DispatchSemaphore]>([])

    public init() {}

    public var condition: Condition {
        get { state.withLock { $0.condition } }
        set { state.withLock { $0.condition = newValue } }
    }

    /// The ticket bytes received so far (status queries left out).
    public var received: [UInt8] { state.withLock { $0.received } }
    public var queries: Int { state.withLock { $0.queries } }

    /// Stops serving and waits until no thread reads any descriptor any more: a descriptor
    /// closed under a reading thread would be reused by another test, and its bytes stolen.
    public func stop() {
        stopped.withLock { $0 = true }
        for done in finished.withLock({ $0 }) { _ = done.wait(timeout: .now() + 2) }
    }

    /// Serves a pseudo-terminal's master side, keeping the terminal open while serving.
    public func serve(_ terminal: PseudoTerminal) {
        serve(fd: terminal.master, owner: terminal)
    }

    /// Serves one descriptor on a thread of its own until `stop()` or end of stream.
    public func serve(fd: Int32, closeWhenDone: Bool = false, owner: (any AnyObject & Sendable)? = nil) {
        let done = DispatchSemaphore(value: 0)
        finished.withLock { $0.append(done) }
        let thread = Thread { [self] in
            defer { done.signal() }
            withExtendedLifetime(owner) {
                var pending: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                var nonBlocking = false
                while !stopped.withLock({ $0 }) {
                    if condition.babbles {
                        if !nonBlocking {
                            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                            nonBlocking = true
                        }
                        let junk = [UInt8](repeating: 0x00, count: 64)
                        _ = junk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    }
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&pfd, 1, condition.babbles ? 1 : 50) > 0 else { continue }
                    let n = read(fd, &buffer, buffer.count)
                    if n == 0 { break }  // the connection was closed
                    if n < 0 {
                        if errno == EAGAIN || errno == EIO {
                            usleep(10_000)
                            continue
                        } else {
                            break
                        }
                    }
                    pending += buffer[0..<n]
                    // Answer queries; keep everything else.
                    var kept: [UInt8] = []
                    var i = 0
                    while i < pending.count {
                        if pending[i] == 0x10 {
                            if i + 2 >= pending.count { break }
                            if pending[i + 1] == 0x04 {
                                answer(query: pending[i + 2], fd: fd)
                                i += 3
                                continue
                            }
                        }
                        kept.append(pending[i])
                        i += 1
                    }
                    pending = Array(pending[i...])
                    state.withLock { $0.received += kept }
                }
                if closeWhenDone { close(fd) }
            }
        }
        thread.start()
    }

    private func answer(query n: UInt8, fd: Int32) {
        let condition = state.withLock { s in
            s.queries += 1
            return s.condition
        }
        guard condition.answers else { return }
        var reply: UInt8 = 0x12
        switch n {
        case 1: if condition.offline { reply |= 0x08 }
        case 2:
            if condition.coverOpen { reply |= 0x04 }
            if condition.paperEnd { reply |= 0x20 }
        case 4:
            if condition.paperNearEnd { reply |= 0x0C }
            if condition.paperEnd { reply |= 0x60 }
        default: return
        }
        let bytes = condition.chatter + [reply]
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

/// A network printer on loopback: accepts connections on a free port and serves each with
/// the same simulated printer. The accepting thread owns the listening socket and closes it
/// itself, so no descriptor is closed under it (another test would get the number).
public final class SimulatedNetworkPrinter: Sendable {
    public let printer = SimulatedPrinter()
    public let port: Int
    private let stopped = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        guard bound == 0, listen(listener, 8) == 0 else {
            close(listener)
            throw DeviceError(path: "127.0.0.1", operation: "listen", errno: errno)
        }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread { [self] in
            while !stopped.withLock({ $0 }) {
                var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 50) > 0 else { continue }
                let client = accept(listener, nil, nil)
                if client >= 0 { printer.serve(fd: client, closeWhenDone: true) }
            }
            close(listener)
            done.signal()
        }.start()
    }

    /// Stops accepting and serving; returns once the port is closed.
    public func stop() {
        stopped.withLock { $0 = true }
        _ = done.wait(timeout: .now() + 2)
        printer.stop()
    }
}
