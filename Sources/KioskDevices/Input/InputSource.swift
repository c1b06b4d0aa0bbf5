import CLibevdev
import Foundation
import KioskRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What an input source reports besides key events: whether its device is there.
public enum InputSourceUpdate: Sendable, Equatable {
    case opened(path: String)
    case unavailable(DeviceError)
    /// The kernel dropped events because they were not read in time (`SYN_DROPPED`): the
    /// reader caught up with the keypad's state and counted nothing from the gap.
    case resynchronised(path: String)
    case event(InputEvent)
}

/// Reads key events from a keypad: an evdev node through libevdev (grabbed, so keys never
/// reach the console; `SYN_DROPPED` resynchronised without counting the synthetic events),
/// or a FIFO or file of kernel-format records (the demo's and the tests' simulated keypads).
/// A missing or vanished device is reported and reopened as soon as it is back: the reader
/// watches /dev/input (and the configured path's folder) with inotify, and retries at least
/// every `retryInterval` in case a change went unseen. Events already seen before a reopen are
/// not delivered again. Reads run on a thread of their own, never on Swift's cooperative pool,
/// and wait without a timeout: an idle keypad costs no wakeups.
public final class InputSource: Sendable {
    public let locator: InputLocator
    public let grab: Bool
    public let retryInterval: Duration

    public init(_ locator: InputLocator, grab: Bool = true, retryInterval: Duration = .seconds(60)) {
        self.locator = locator
        self.grab = grab
        self.retryInterval = retryInterval
    }

    public convenience init(path: String, grab: Bool = true, retryInterval: Duration = .seconds(60)) {
        self.init(.path(path), grab: grab, retryInterval: retryInterval)
    }

    /// Starts reading; the thread stops when the stream's consumer goes away.
    public func updates() -> AsyncStream<InputSourceUpdate> {
        let (stream, continuation) = AsyncStream.makeStream(of: InputSourceUpdate.self, bufferingPolicy: .bufferingNewest(4096))
        let reading = read {
            continuation.yield($0)
        } finished: {
            continuation.finish()
        }
        continuation.onTermination = { _ in reading.stop() }
        return stream
    }

    /// Starts reading and hands each update to `deliver` on the reading thread itself, in
    /// order: a key press reaches its command without waiting for Swift's shared threads.
    /// `finished` is called once the thread has stopped.
    public func read(
        _ deliver: @escaping @Sendable (InputSourceUpdate) -> Void,
        finished: @escaping @Sendable () -> Void = {}
    ) -> Reading {
        let reader = Reader(
            locator: locator, grab: grab,
            retryMs: Int32(
                retryInterval.components.seconds * 1000
                    + retryInterval.components.attoseconds / 1_000_000_000_000_000), deliver: deliver, finished: finished)
        let thread = Thread { reader.run() }
        thread.name = "input \(locator)"
        thread.start()
        return Reading(reader)
    }

    /// A reading thread, to stop.
    public struct Reading: Sendable {
        fileprivate let reader: Reader
        fileprivate init(_ reader: Reader) { self.reader = reader }
        /// The thread stops at once, wherever it waits.
        public func stop() { reader.stop() }
    }
}

/// One reading thread's state.
private final class Reader: @unchecked Sendable {
    // @unchecked: everything but `stopped` is touched by the reading thread only.
    let locator: InputLocator
    let grab: Bool
    let retryMs: Int32
    let deliver: @Sendable (InputSourceUpdate) -> Void
    let finished: @Sendable () -> Void
    private let stopSignal = StopSignal()
    /// The newest event delivered: after a reopen, nothing at or before it is delivered again.
    private var lastDelivered: (Int64, Int64)?
    private var skippingUntilNewer = false

    init(
        locator: InputLocator, grab: Bool, retryMs: Int32, deliver: @escaping @Sendable (InputSourceUpdate) -> Void,
        finished: @escaping @Sendable () -> Void
    ) {
        self.locator = locator
        self.grab = grab
        self.retryMs = retryMs
        self.deliver = deliver
        self.finished = finished
    }

    var isStopped: Bool { stopSignal.isRaised }
    func stop() { stopSignal.raise() }

    func run() {
        var lastError: DeviceError?
        var folders = [InputDevices.folder, InputDevices.folder + "/by-path", InputDevices.folder + "/by-id"]
        if case .path(let path) = locator { folders.append((path as NSString).deletingLastPathComponent) }
        let watcher = DeviceFolderWatcher(folders: folders, stop: stopSignal)
        while !isStopped {
            let path: String
            let fd: Int32
            do {
                path = try InputDevices.resolve(locator)
                fd = try openForReading(path)
            } catch {
                // Report a device's absence once, not every second.
                if error != lastError { deliver(.unavailable(error)) }
                lastError = error
                watcher.wait(ms: retryMs)
                continue
            }
            lastError = nil
            skippingUntilNewer = lastDelivered != nil
            deliver(.opened(path: path))
            var dev: OpaquePointer?
            let error: DeviceError?
            if isCharacterDevice(fd), libevdev_new_from_fd(fd, &dev) == 0, let dev {
                error = readEvdev(dev, fd: fd, path: path)
                libevdev_free(dev)
            } else {
                error = readRecords(fd: fd, path: path)
            }
            close(fd)
            if let error {
                deliver(.unavailable(error))
                lastError = error
            }
        }
        finished()
    }

    /// A FIFO is opened read-write so that it never reports end-of-file when a writer closes.
    private func openForReading(_ path: String) throws(DeviceError) -> Int32 {
        var info = stat()
        try syscall(path, "stat") { stat(path, &info) }
        let isFIFO = (info.st_mode & S_IFMT) == S_IFIFO
        return try syscall(path, "open") { open(path, (isFIFO ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC) }
    }

    private func isCharacterDevice(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
    }

    private func deliver(_ event: InputEvent) {
        let stamp = (event.seconds, event.microseconds)
        if skippingUntilNewer, let last = lastDelivered {
            if stamp <= last { return }
            skippingUntilNewer = false
        }
        lastDelivered = stamp
        deliver(.event(event))
    }

    /// Waits for input, without a timeout; false when asked to stop. A FIFO or file that was
    /// removed or replaced counts as unplugged (the kernel says so itself for device nodes):
    /// `replaced` is an inotify watch on its path that wakes the wait when that may have happened.
    private func waitReadable(_ fd: Int32, path: String, replaced: Int32 = -1) throws(DeviceError) -> Bool {
        while !isStopped {
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0), stopSignal.pollEntry,
                pollfd(fd: replaced, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, replaced >= 0 ? 3 : 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw DeviceError(path: path, operation: "poll", errno: errno)
            }
            if replaced >= 0, fds[2].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(replaced, &buffer, buffer.count)
                var open = stat()
                var named = stat()
                if fstat(fd, &open) != 0 || stat(path, &named) != 0 || open.st_ino != named.st_ino || open.st_dev != named.st_dev
                    || open.st_nlink == 0
                {
                    throw DeviceError(path: path, operation: "read (the keypad's file was removed)", errno: ENODEV)
                }
            }
            if fds[0].revents != 0 {
                if fds[0].revents & Int16(POLLERR | POLLNVAL) != 0 { throw DeviceError(path: path, operation: "poll", errno: ENODEV) }
                return true
            }
        }
        return false
    }

    /// An evdev node through libevdev. Returns the error that ended reading, or nil when asked to stop.
    private func readEvdev(_ dev: OpaquePointer, fd: Int32, path: String) -> DeviceError? {
        if grab && libevdev_grab(dev, LIBEVDEV_GRAB) != 0 {
            // Another program holds it (a stray evtest?): keys may also reach it. Go on, but say so.
            deliver(.unavailable(DeviceError(path: path, operation: "grab (another program holds the keypad)", errno: EBUSY)))
            deliver(.opened(path: path))
        }
        var ev = input_event()
        do {
            while try waitReadable(fd, path: path) {
                while true {
                    var rc = libevdev_next_event(dev, UInt32(LIBEVDEV_READ_FLAG_NORMAL.rawValue), &ev)
                    if rc == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue) {
                        // Events were dropped: bring libevdev's state up to date, count nothing from it.
                        repeat {
                            rc = libevdev_next_event(dev, UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue), &ev)
                        } while rc == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue)
                        deliver(.resynchronised(path: path))
                        continue
                    }
                    if rc == Int32(LIBEVDEV_READ_STATUS_SUCCESS.rawValue) {
                        deliver(
                            InputEvent(
                                seconds: Int64(ev.time.tv_sec), microseconds: Int64(ev.time.tv_usec),
                                type: ev.type, code: ev.code, value: ev.value))
                        continue
                    }
                    if rc == -EAGAIN { break }
                    return DeviceError(path: path, operation: "read", errno: -rc)
                }
            }
        } catch {
            return error
        }
        return nil
    }

    /// Kernel-format records from a FIFO or a file (followed like `tail -f`).
    private func readRecords(fd: Int32, path: String) -> DeviceError? {
        var decoder = InputEventDecoder()
        var buffer = [UInt8](repeating: 0, count: InputEvent.size * 64)
        // Removed (link count to 0, IN_ATTRIB), renamed away, or deleted: look again.
        let replaced = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if replaced >= 0 { _ = inotify_add_watch(replaced, path, UInt32(IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)) }
        defer { if replaced >= 0 { close(replaced) } }
        do {
            while try waitReadable(fd, path: path, replaced: replaced) {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    for event in decoder.feed(buffer[0..<n]) { deliver(event) }
                } else if n == 0 {
                    usleep(100_000)  // end of a regular file: wait for more
                } else if errno != EAGAIN && errno != EINTR {
                    return DeviceError(path: path, operation: "read", errno: errno)
                }
            }
        } catch {
            return error
        }
        return nil
    }
}

/// Wakes a waiting reader as soon as something changes where its keypad appears (/dev/input,
/// its by-path and by-id links, the configured path's folder: a keypad plugged in, its
/// permissions set by udev), or when it is asked to stop; otherwise only at the next retry.
private final class DeviceFolderWatcher {
    private let fd: Int32
    private let stop: StopSignal
    private let folders: Set<String>

    init(folders: [String], stop: StopSignal) {
        self.stop = stop
        self.folders = Set(folders.filter { !$0.isEmpty })
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        addWatches()
    }

    /// A folder that does not exist yet (by-path before the first keypad, a udev rule's
    /// /dev/kiosk) is watched through its nearest existing parent, and again by itself once
    /// it appears: adding a watch twice is harmless, so this runs after every wake.
    private func addWatches() {
        guard fd >= 0 else { return }
        for folder in folders {
            var path = folder
            while inotify_add_watch(fd, path, UInt32(IN_CREATE | IN_ATTRIB | IN_MOVED_TO)) < 0, errno == ENOENT, path.count > 1 {
                path = (path as NSString).deletingLastPathComponent
            }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Up to `ms`, less if a watched folder changes or the reader is stopped.
    func wait(ms: Int32) {
        var fds = [stop.pollEntry, pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, fd >= 0 ? 2 : 1, ms) > 0, fds.count > 1, fds[1].revents != 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = read(fd, &buffer, buffer.count)
        usleep(20_000)  // let udev finish the node's links and permissions
        addWatches()
    }
}
