import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Writes input events to a path, as a keypad would send them: what `kiosk simulate press`
/// and the tests use to press keys on a simulated keypad (a FIFO the daemon reads).
public enum InputEventWriter {
    public static func write(_ events: [InputEvent], to path: String) throws(DeviceError) {
        // Non-blocking: on a FIFO nobody reads, open fails with ENXIO instead of hanging.
        let fd = try syscall(path, "open") { open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) }
        defer { close(fd) }
        try writeAll(events.flatMap(\.bytes), to: fd, path: path, by: .after(.seconds(1)))
    }
}
