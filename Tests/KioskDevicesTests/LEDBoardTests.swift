import Foundation
import Glibc
import KioskRuntime
import KioskTestSupport
import Testing

@testable import KioskDevices

@Suite struct LEDBoardTests {
    @Test func checksumsMatchKnownVectors() {
        #expect(LEDFrameFormat.checksum(.crc16Modbus, Array("123456789".utf8)) == [0x37, 0x4B])  // CRC-16/MODBUS check value 0x4B37
        #expect(LEDFrameFormat.checksum(.lrc, [0x11, 0x03, 0x00, 0x6B, 0x00, 0x03]) == [0x7E])  // the Modbus ASCII spec's example
        #expect(LEDFrameFormat.checksum(.xor, [0x01, 0x02, 0x04, 0x10]) == [0x17])
        #expect(LEDFrameFormat.checksum(.sum8, [0xFF, 0x02, 0x10]) == [0x11])
        #expect(LEDFrameFormat.checksum(.none, [1, 2, 3]) == [])
    }

    @Test func presetsFrameTheNumber() {
        #expect(LEDFrameFormat.soh07.frame(address: 3, number: "A015", counter: 3) == [0x01, 0x03] + Array("A015".utf8) + [0x07])
        #expect(LEDFrameFormat.dollarHash.frame(address: 7, number: "1023", counter: 2) == Array("$007,1023#".utf8))
        let modbus = LEDFrameFormat.modbus16.frame(address: 1, number: "A015", counter: 1)
        #expect(Array(modbus.prefix(11)) == [0x01, 0x10, 0x00, 0x00, 0x00, 0x02, 0x04] + Array("A015".utf8))
        // A frame with its CRC appended has a CRC residue of zero: the board's own check.
        #expect(LEDFrameFormat.checksum(.crc16Modbus, modbus) == [0x00, 0x00])
        // Odd lengths are padded to whole registers.
        #expect(LEDFrameFormat.modbus16.frame(address: 2, number: "A1", counter: 1)[5] == 1)
        #expect(LEDFrameFormat.modbus16.frame(address: 2, number: "A12", counter: 1)[5] == 2)
        // A generic format: payload template, ASCII address, XOR over address and payload.
        let custom = LEDFrameFormat(
            prefix: [0x02], address: .ascii(width: 2), payload: "{number}>{counter}", checksum: .xor, suffix: [0x03])
        let frame = custom.frame(address: 5, number: "Đ12", counter: 4)
        #expect(Array(frame.dropLast(2)) == [0x02] + Array("05D12>4".utf8))
        #expect(frame[frame.count - 2] == Array("05D12>4".utf8).reduce(0, ^))
        var unicode = custom
        unicode.encoding = .utf8
        #expect(Array(unicode.frame(address: 5, number: "Đ12", counter: 4).dropFirst(3).prefix(2)) == [0xC4, 0x90], "Đ in UTF-8")
    }

    @Test func theBusPacesFramesAndSendsOnlyTheNewestState() async throws {
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        far.serve(pty)
        defer { far.stop() }
        let bus = LEDBus(path: pty.slavePath, baud: 9600, gap: .milliseconds(150), refresh: .seconds(60))
        let running = Task { await bus.run() }
        defer { running.cancel() }
        let format = LEDFrameFormat.soh07
        await bus.show(format.frame(address: 1, number: "A001", counter: 1), on: 1)
        try await waitUntil("A001 written") { await !bus.written.isEmpty }
        // Within the gap after A001: nine newer numbers for board 1, one for board 2.
        for n in 2...10 { await bus.show(format.frame(address: 1, number: String(format: "A%03d", n), counter: 1), on: 1) }
        await bus.show(format.frame(address: 2, number: "B001", counter: 2), on: 2)
        // Idle once the third frame is written: nothing more is pending until the minute's refresh
        // (a fourth frame, wrongly kept, would be sent before the bus is idle, and counted).
        try await waitUntil("three frames written, none pending") {
            let (written, idle) = (await bus.written.count, await bus.isIdle)
            return written >= 3 && idle
        }
        try await waitUntil("the frames at the far end") { far.received.count >= 20 }
        let written = await bus.written
        #expect(written.map(\.board) == [1, 1, 2], "A001 at once, then only A010 and board 2's B001")
        for (a, b) in zip(written, written.dropFirst()) { #expect(b.at - a.at >= .milliseconds(150)) }
        #expect(
            far.received == format.frame(address: 1, number: "A001", counter: 1) + format.frame(address: 1, number: "A010", counter: 1)
                + format.frame(address: 2, number: "B001", counter: 2))
    }

    @Test func boardsAreRefreshedBecauseTheyBootBlank() async throws {
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        far.serve(pty)
        defer { far.stop() }
        let bus = LEDBus(path: pty.slavePath, gap: .milliseconds(20), refresh: .milliseconds(300))
        let running = Task { await bus.run() }
        defer { running.cancel() }
        await bus.show([0x01, 0x01, 0x41, 0x07], on: 1)
        try await waitUntil("three refreshes") { await bus.written.count >= 3 }
        let written = await bus.written
        #expect(written.count >= 3, "sent once, then again and again")
        // Refreshes come once per period, not in a busy loop: at most one per 300 ms since the first.
        let span = written.last!.at - written.first!.at
        #expect(Double(written.count - 1) <= span / .milliseconds(300) + 1, "\(written.count) frames in \(span)")
        #expect(Array(far.received.prefix(4)) == [0x01, 0x01, 0x41, 0x07])
    }

    @Test func aMissingBoardPortIsReportedOnceNotPerFrame() async throws {
        let reports = ReportLog()
        let bus = LEDBus(path: "/dev/ttyUSB-not-here", gap: .milliseconds(5), refresh: .milliseconds(50)) { error in
            reports.add(error)
        }
        let running = Task { await bus.run() }
        defer { running.cancel() }
        await bus.show([0x01, 0x01, 0x41, 0x07], on: 1)
        try await waitUntil("four attempts") { await bus.attempts >= 4 }
        #expect(await bus.attempts >= 4, "it keeps trying")
        #expect(await bus.written.isEmpty)
        let seen = reports.all
        #expect(seen.count == 1)
        #expect(seen.first??.path == "/dev/ttyUSB-not-here")
        #expect(seen.first??.errno == ENOENT)
    }
}

extension LEDBoardTests {
    /// A bus runs for years: it keeps the count of its frames, and only the latest few.
    @Test func theBusKeepsOnlyItsLatestFrames() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bus-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bus = LEDBus(path: "\(folder)/board.bin", gap: .zero, refresh: .seconds(3600))
        let running = Task { await bus.run() }
        defer { running.cancel() }
        let frames = LEDBus.keptWrites + 50
        for n in 1...frames {
            await bus.show(LEDFrameFormat.soh07.frame(address: 1, number: String(n), counter: 1), on: 1)
            try await waitUntil("frame \(n) written") { await bus.writtenCount == n }
        }
        #expect(await bus.written.count == LEDBus.keptWrites)
        #expect(await bus.writtenCount == frames)
    }

    /// A Modbus frame carries 246 bytes of text: more is cut, never a crash at the first call
    /// (and the config check refuses such a board before).
    @Test func aTooLongModbusTextIsCutNotACrash() {
        let long = String(repeating: "X", count: 600)
        let frame = LEDFrameFormat.modbus16.frame(address: 1, number: long, counter: 1)
        #expect(Int(frame[6]) == LEDFrameFormat.modbusMaxBytes)
        #expect(frame.count == 7 + LEDFrameFormat.modbusMaxBytes + 2)
        #expect(LEDFrameFormat.modbus16.problem(address: 1, number: long, counter: 1, text: long) != nil)
        #expect(LEDFrameFormat.modbus16.problem(address: 1, number: "A015", counter: 1, text: "CAM ON") == nil)
    }
}

/// Collects what a callback was given, from any thread.
final class ReportLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DeviceError?] = []
    func add(_ item: DeviceError?) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var all: [DeviceError?] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
