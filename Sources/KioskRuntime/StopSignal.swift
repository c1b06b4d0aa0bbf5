import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Tells a thread that waits in `poll` to stop, at once and without a timeout: the thread
/// polls this pipe beside its own descriptors, so an idle daemon never wakes up to ask.
public final class StopSignal: Sendable {
    /// Readable once `raise()` was called.
    public let fd: Int32
    private let writeEnd: Int32
    private let raised = Mutex(false)

    public init() {
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(fd)
        close(writeEnd)
    }

    public func raise() {
        raised.withLock { $0 = true }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    public var isRaised: Bool { raised.withLock { $0 } }

    /// `pollfd` for this signal.
    public var pollEntry: pollfd { pollfd(fd: fd, events: Int16(POLLIN), revents: 0) }
}
