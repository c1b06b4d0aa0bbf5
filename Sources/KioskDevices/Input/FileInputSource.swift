import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What an input source reports besides key events: whether its device is there.
public enum InputSourceUpdate: Sendable, Equatable {
    case opened(path: String)
    case unavailable(DeviceError)
    case event(InputEvent)
}

/// Reads kernel-format input events from a path: an evdev node, a FIFO fed by
/// `kiosk simulate press`, or a regular file (followed like `tail -f`). A missing or
/// vanished device is reported and retried every `retryInterval`; it is never fatal.
/// The reads happen on a thread of their own, never on Swift's cooperative pool.
public final class FileInputSource: Sendable {
    public let path: String
    public let retryInterval: Duration

    public init(path: String, retryInterval: Duration = .seconds(1)) {
        self.path = path
        self.retryInterval = retryInterval
    }

    /// Starts reading; the thread stops when the stream's consumer goes away.
    public func updates() -> AsyncStream<InputSourceUpdate> {
        let (stream, continuation) = AsyncStream.makeStream(of: InputSourceUpdate.self, bufferingPolicy: .bufferingNewest(4096))
        let stopped = Arc(Mutex(false))
        continuation.onTermination = { _ in stopped.value.withLock { $0 = true } }
        let path = self.path
        let retry = retryInterval
        let thread = Thread {
            Self.readLoop(path: path, retry: retry, stopped: stopped, continuation: continuation)
            continuation.finish()
        }
        thread.name = "input \(path)"
        thread.start()
        return stream
    }

    private static func readLoop(path: String, retry: Duration, stopped: Arc<Mutex<Bool>>,
                                 continuation: AsyncStream<InputSourceUpdate>.Continuation) {
        var lastError: DeviceError?
        let retryMs = Int32(retry.components.seconds * 1000 + retry.components.attoseconds / 1_000_000_000_000_000)
        while !stopped.value.withLock({ $0 }) {
            let fd: Int32
            do {
                fd = try openForReading(path)
            } catch {
                // Report a device's absence once, not every second.
                if error != lastError { continuation.yield(.unavailable(error)) }
                lastError = error
                sleepPolling(ms: retryMs, stopped: stopped)
                continue
            }
            lastError = nil
            continuation.yield(.opened(path: path))
            if let error = readUntilGone(fd: fd, path: path, stopped: stopped, continuation: continuation) {
                continuation.yield(.unavailable(error))
                lastError = error
            }
            close(fd)
        }
    }

    /// A FIFO is opened read-write so that it never reports end-of-file when a writer closes.
    private static func openForReading(_ path: String) throws(DeviceError) -> Int32 {
        var info = stat()
        try syscall(path, "stat") { stat(path, &info) }
        let isFIFO = (info.st_mode & S_IFMT) == S_IFIFO
        return try syscall(path, "open") { open(path, (isFIFO ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC) }
    }

    /// Returns the error that ended reading, or nil when asked to stop.
    private static func readUntilGone(fd: Int32, path: String, stopped: Arc<Mutex<Bool>>,
                                      continuation: AsyncStream<InputSourceUpdate>.Continuation) -> DeviceError? {
        var decoder = InputEventDecoder()
        var buffer = [UInt8](repeating: 0, count: InputEvent.size * 64)
        while !stopped.value.withLock({ $0 }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 200)
            if ready < 0 {
                if errno == EINTR { continue }
                return DeviceError(path: path, operation: "poll", errno: errno)
            }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                for event in decoder.feed(buffer[0..<n]) { continuation.yield(.event(event)) }
            } else if n == 0 {
                // End of a regular file: wait for more to be appended.
                usleep(100_000)
            } else if errno == EAGAIN || errno == EINTR {
                continue
            } else {
                return DeviceError(path: path, operation: "read", errno: errno)
            }
            if pfd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && n <= 0 {
                return DeviceError(path: path, operation: "poll", errno: ENODEV)
            }
        }
        return nil
    }

    private static func sleepPolling(ms: Int32, stopped: Arc<Mutex<Bool>>) {
        var left = ms
        while left > 0 && !stopped.value.withLock({ $0 }) {
            usleep(UInt32(min(left, 100)) * 1000)
            left -= 100
        }
    }
}

/// A reference box, to share a `Mutex` (which is not copyable) between a thread and a closure.
final class Arc<T: ~Copyable & Sendable>: Sendable {
    let value: T
    init(_ value: consuming T) { self.value = value }
}
