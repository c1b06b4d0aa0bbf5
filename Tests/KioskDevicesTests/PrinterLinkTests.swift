import Foundation
import Glibc
import KioskRuntime
import KioskTestSupport
import Testing

@testable import KioskDevices

@Suite struct PrinterLinkTests {
    @Test func statusRepliesAreReadBitByBit() {
        #expect(PrinterStatus.isValidReply(0x12))
        #expect(PrinterStatus.isValidReply(0x7E))
        #expect(!PrinterStatus.isValidReply(0x00))
        #expect(!PrinterStatus.isValidReply(0x13))
        var status = PrinterStatus.unknown
        #expect(!status.answered && status.blockingReason == nil)
        status.record(query: 1, reply: 0x12)
        status.record(query: 2, reply: 0x12 | 0x04)
        status.record(query: 4, reply: 0x12 | 0x0C)
        #expect(status == PrinterStatus(offline: false, coverOpen: true, paperEnd: false, paperNearEnd: true, error: false))
        #expect(status.blockingReason?.contains("cover open") == true)
        var empty = PrinterStatus.unknown
        empty.record(query: 4, reply: 0x12 | 0x60)
        #expect(empty.paperEnd == true)
        #expect(empty.blockingReason?.contains("paper end") == true)
    }

    @Test func aSerialPrinterAnswersStatusThroughThePseudoTerminal() throws {
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        var condition = SimulatedPrinter.Condition()
        condition.paperEnd = true
        condition.chatter = [0x00, 0xFF]  // unsolicited bytes are skipped
        far.condition = condition
        far.serve(pty)
        defer { far.stop() }
        let printer = DevicePathPrinter(path: pty.slavePath, baud: 19200, statusTimeoutMs: 3000)
        let status = try printer.status()
        #expect(status.paperEnd == true)
        #expect(status.offline == false)
        #expect(far.queries == 3)

        condition.paperEnd = false
        far.condition = condition
        #expect(try printer.status().blockingReason == nil)
        try printer.send([0x1B, 0x40, 0x41, 0x0A])
        try waitUntilBlocking("the bytes at the far end") { far.received.count >= 4 }
        #expect(far.received == [0x1B, 0x40, 0x41, 0x0A])
    }

    /// A port that takes nothing more (CTS held low; here the terminal's output suspended):
    /// the write fails at the deadline, and closing the port does not wait for the rest.
    @Test func aStalledPortFailsByTheDeadline() throws {
        let pty = try PseudoTerminal()
        let stall = open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        defer { close(stall) }
        #expect(tcflow(stall, TCOOFF) == 0)
        let started = ContinuousClock.now
        #expect(throws: DeviceError.self) {
            try DevicePathPrinter(path: pty.slavePath, baud: 115200).send(
                [UInt8](repeating: 0x41, count: 20_000), by: .after(.milliseconds(300)))
        }
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(290) && took < .seconds(2), "\(took)")
    }

    /// A printer that never stops sending cannot keep the status exchange reading.
    @Test func aBabblingPrinterDoesNotHoldTheStatusExchange() throws {
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        var condition = SimulatedPrinter.Condition()
        condition.babbles = true
        condition.answers = false
        far.condition = condition
        far.serve(pty)
        defer { far.stop() }
        let started = ContinuousClock.now
        let status = try DevicePathPrinter(path: pty.slavePath, statusTimeoutMs: 10_000).status(by: .after(.milliseconds(500)))
        #expect(!status.answered)
        #expect(ContinuousClock.now - started < .seconds(2), "bounded by the deadline, not the query's own timeout")
    }

    @Test func aSilentPrinterIsUnknownNotOk() throws {
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        var condition = SimulatedPrinter.Condition()
        condition.answers = false
        far.condition = condition
        far.serve(pty)
        defer { far.stop() }
        let started = Date()
        let status = try DevicePathPrinter(path: pty.slavePath, statusTimeoutMs: 200).status()
        #expect(status == .unknown)
        #expect(!status.answered)
        #expect(far.queries == 1, "one silent query is enough to know")
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func aNetworkPrinterGetsTheBytesAndAnswers() throws {
        let network = try SimulatedNetworkPrinter()
        defer { network.stop() }
        #expect(PrinterTransport.make(address: "tcp://127.0.0.1:\(network.port)").path == "tcp://127.0.0.1:\(network.port)")
        // Generous timeouts: the simulated printer is a thread on a busy test machine.
        let printer = TCPPrinter(host: "127.0.0.1", port: network.port, statusTimeoutMs: 3000)
        let ticket = [UInt8](repeating: 0x41, count: 50_000) + [0x1D, 0x56, 0x42, 0x00]
        try printer.send(ticket)
        var condition = SimulatedPrinter.Condition()
        condition.paperNearEnd = true
        network.printer.condition = condition
        let status = try printer.status()
        #expect(status.paperNearEnd == true)
        #expect(status.blockingReason == nil)
        try waitUntilBlocking("the ticket at the network printer") { network.printer.received.count >= ticket.count }
        #expect(network.printer.received == ticket)
    }

    @Test func anUnreachableNetworkPrinterFailsFast() throws {
        let network = try SimulatedNetworkPrinter()
        let port = network.port
        network.stop()  // nothing listens there any more
        let started = Date()
        #expect(throws: DeviceError.self) { try TCPPrinter(host: "127.0.0.1", port: port, connectTimeoutMs: 500).send([0x0A]) }
        #expect(Date().timeIntervalSince(started) < 2)
    }
}
