import Foundation
import Glibc
import KioskRuntime
import Testing

@testable import KioskDevices

@Suite struct InputTests {
    let sample: [InputEvent] =
        InputEvent.tap(code: 79, seconds: 1_770_000_000, microseconds: 123_456)
        + [InputEvent(seconds: -1, microseconds: 999_999, type: 1, code: 0x2FF, value: 2)]

    @Test func decodesRecordsSplitAtEveryByte() {
        let bytes = sample.flatMap(\.bytes)
        #expect(bytes.count == sample.count * 24)
        for split in 0...bytes.count {
            var decoder = InputEventDecoder()
            let events = decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...])
            #expect(events == sample, "split at \(split)")
            #expect(decoder.buffered == 0)
        }
    }

    @Test func decodesRecordsFedOneByteAtATime() {
        var decoder = InputEventDecoder()
        var events: [InputEvent] = []
        for byte in sample.flatMap(\.bytes) { events += decoder.feed([byte]) }
        #expect(events == sample)
    }

    @Test func theLayoutIsTheKernelOne() {
        // KEY_KP1 (79) pressed at 1.5 s: timeval, then type 1, code 79, value 1, little-endian.
        let event = InputEvent(seconds: 1, microseconds: 500_000, type: 1, code: 79, value: 1)
        #expect(event.bytes == [1, 0, 0, 0, 0, 0, 0, 0, 0x20, 0xA1, 0x07, 0, 0, 0, 0, 0, 1, 0, 79, 0, 1, 0, 0, 0])
        #expect(event.isKeyPress)
        #expect(!InputEvent(seconds: 0, microseconds: 0, type: 1, code: 79, value: 2).isKeyPress)
        #expect(!InputEvent(seconds: 0, microseconds: 0, type: 1, code: 79, value: 0).isKeyPress)
    }

    @Test func keyNamesAreLibevdevs() {
        #expect(KeyNames.code(of: "KEY_KP1") == 79)
        #expect(KeyNames.code(of: "KEY_KPENTER") == 96)
        #expect(KeyNames.code(of: "KEY_A") == 30)
        #expect(KeyNames.code(of: "key_kp1") == nil)
        #expect(KeyNames.code(of: "KEY_NOPE") == nil)
        #expect(KeyNames.code(of: "SYN_REPORT") == nil)
        #expect(KeyNames.name(of: 79) == "KEY_KP1")
    }

    @Test func aFIFOSourceWaitsForItsDeviceAndReadsWhatIsWritten() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("keypad").path
        let source = InputSource(path: path, retryInterval: .milliseconds(100))
        var updates = source.updates().makeAsyncIterator()

        guard case .unavailable(let error) = await updates.next() else {
            Issue.record("missing device not reported")
            return
        }
        #expect(error.errno == ENOENT)
        #expect(error.path == path)

        #expect(mkfifo(path, 0o600) == 0)
        #expect(await updates.next() == .opened(path: path))
        // Two writers, one after the other: the reader must not see end-of-file in between.
        try InputEventWriter.write(Array(sample[0..<2]), to: path)
        try InputEventWriter.write(Array(sample[2...]), to: path)
        var got: [InputEvent] = []
        while got.count < sample.count, case .event(let e)? = await updates.next() { got.append(e) }
        #expect(got == sample)
    }

    @Test func aKeypadInAFolderThatAppearsLaterIsOpenedAtOnce() async throws {
        // As a udev rule's /dev/kiosk/keypad-kiosk: at boot neither the link nor its folder
        // exists when the daemon starts. The retry interval is a minute: only inotify on the
        // folder's parent, then on the folder itself, can open it in time.
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-late-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let folder = parent.appendingPathComponent("kiosk")
        let path = folder.appendingPathComponent("keypad-kiosk").path
        var updates = InputSource(path: path, retryInterval: .seconds(60)).updates().makeAsyncIterator()
        guard case .unavailable? = await updates.next() else {
            Issue.record("missing device not reported")
            return
        }
        // The simulated device's own timing (not a wait for the daemon): it appears a moment
        // later, the folder first and the link after it, as udev makes them.
        try await Task.sleep(for: .milliseconds(100))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        try await Task.sleep(for: .milliseconds(100))
        let started = Date()
        #expect(mkfifo(path, 0o600) == 0)
        #expect(await updates.next() == .opened(path: path))
        #expect(
            Date().timeIntervalSince(started) < 10, "opened at once (seconds on a loaded machine), not at the next retry a minute later")
    }

    @Test func writingToAKeypadNobodyReadsFailsAtOnce() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-nobody-\(UUID().uuidString)").path
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: DeviceError(path: path, operation: "open", errno: ENXIO)) {
            try InputEventWriter.write(sample, to: path)
        }
    }

    @Test func recordsArriveWholeHoweverTheWritesSplitThem() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("keypad").path
        #expect(mkfifo(path, 0o600) == 0)
        var updates = InputSource(path: path).updates().makeAsyncIterator()
        #expect(await updates.next() == .opened(path: path))
        let bytes = sample.flatMap(\.bytes)
        let writer = open(path, O_WRONLY)
        defer { close(writer) }
        for chunk in [1, 5, 23, 24, 25, 48] {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                _ = bytes[offset..<end].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                offset = end
                usleep(200)  // separate reads on the other side
            }
            var got: [InputEvent] = []
            while got.count < sample.count, case .event(let e)? = await updates.next() { got.append(e) }
            #expect(got == sample, "written in pieces of \(chunk) bytes")
        }
    }

    @Test func aReplacedKeypadIsReopenedWithoutRepeatingEvents() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-replug-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("keypad").path
        #expect(mkfifo(path, 0o600) == 0)
        var updates = InputSource(path: path, retryInterval: .milliseconds(100)).updates().makeAsyncIterator()
        #expect(await updates.next() == .opened(path: path))
        let first = InputEvent.tap(code: 79, seconds: 1_800_000_000, microseconds: 0)
        try InputEventWriter.write(first, to: path)
        var got: [InputEvent] = []
        while got.count < 4, case .event(let e)? = await updates.next() { got.append(e) }
        #expect(got == first)

        // Unplugged: the node goes away, and comes back.
        unlink(path)
        guard case .unavailable(let error)? = await updates.next() else {
            Issue.record("unplug not reported")
            return
        }
        #expect(error.errno == ENODEV)
        #expect(mkfifo(path, 0o600) == 0)
        let started = Date()
        var next = await updates.next()
        while case .unavailable? = next { next = await updates.next() }  // "not there" while it was away
        #expect(next == .opened(path: path))
        #expect(Date().timeIntervalSince(started) < 1, "reopened within a second")

        // A device that replays what it already sent (as a FIFO refilled by a script): only the new press counts.
        let second = InputEvent.tap(code: 80, seconds: 1_800_000_001, microseconds: 0)
        try InputEventWriter.write(first + second, to: path)
        got = []
        while got.count < 4, case .event(let e)? = await updates.next() { got.append(e) }
        #expect(got == second)
    }
}
