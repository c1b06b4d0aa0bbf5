import CTimerFD
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hears when the system's wall clock is set (`date -s`, an NTP server's first step, a
/// fixed RTC), without polling: a timer armed with `TFD_TIMER_CANCEL_ON_SET` is cancelled by
/// the kernel at that moment, and the thread waiting on it wakes. The step is the change of
/// the wall clock against the boot clock, which only counts seconds as they pass.
public final class ClockStepWatch: Sendable {
    private let stop = StopSignal()

    /// Calls `onStep` with each step in seconds (negative: set back), on a thread of its own,
    /// until `cancel()`.
    public init(onStep: @escaping @Sendable (Double) -> Void) {
        let stop = self.stop
        let thread = Thread {
            let fd = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC))
            guard fd >= 0 else { return }
            defer { close(fd) }
            while !stop.isRaised {
                let before = Self.wallMinusBoot()
                var spec = itimerspec()
                spec.it_value.tv_sec = Int.max / 2  // never expires: only a clock change ends the wait
                guard timerfd_settime(fd, Int32(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET), &spec, nil) == 0 else { return }
                var entries = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), stop.pollEntry]
                while poll(&entries, 2, -1) < 0 && errno == EINTR {}
                if entries[1].revents != 0 { return }
                var expirations: UInt64 = 0
                // ECANCELED: the clock was set. Anything else: look again.
                if read(fd, &expirations, 8) < 0 && errno == ECANCELED {
                    onStep(Self.wallMinusBoot() - before)
                }
            }
        }
        thread.name = "clock watch"
        thread.start()
    }

    public func cancel() { stop.raise() }

    deinit { stop.raise() }

    /// The wall clock's lead over the boot clock, in seconds: constant while nobody sets it.
    public static func wallMinusBoot() -> Double {
        var wall = timespec()
        var boot = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        clock_gettime(CLOCK_BOOTTIME, &boot)
        return Double(wall.tv_sec - boot.tv_sec) + Double(wall.tv_nsec - boot.tv_nsec) / 1e9
    }
}
