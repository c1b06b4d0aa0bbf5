import Foundation
import KioskCore
import KioskDevices
import KioskStore
import KioskTestSupport
import Logging
import Testing
@testable import KioskService

/// The failure policy against a simulated printer on a real pseudo-terminal.
@Suite(.serialized) struct PrintFailurePolicyTests {
    struct Rig {
        let engine: QueueEngine
        let database: KioskDatabase
        let issuer: TicketIssuer
        let far: SimulatedPrinter
        let pty: PseudoTerminal
        let health: DeviceHealth
    }

    func rig(_ policy: PrintFailurePolicy, paperEnd: Bool) throws -> Rig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-print-\(UUID().uuidString).sqlite").path
        let database = try KioskDatabase(path: path)
        let rules = QueueRules(services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
                               counters: [CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A")])])
        let engine = try QueueEngine(rules: rules, database: database)
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        var condition = SimulatedPrinter.Condition()
        condition.paperEnd = paperEnd
        far.condition = condition
        far.serve(pty)
        let profile = PrinterProfile.named("epson-tm-t82")!
        let renderer = TicketRenderer(centreName: "Xã Tân Phú", layout: TicketLayout(title: "PHIẾU SỐ THỨ TỰ", footer: []),
                                      timeZone: rules.timeZone, profile: profile, rasterizer: nil)
        let health = DeviceHealth()
        let issuer = TicketIssuer(engine: engine, printer: DevicePathPrinter(path: pty.slavePath, baud: 115200, statusTimeoutMs: 3000), renderer: renderer,
                                  policy: policy, health: health, logger: Logger(label: "test"))
        return Rig(engine: engine, database: database, issuer: issuer, far: far, pty: pty, health: health)
    }

    func printedNumbers(_ far: SimulatedPrinter) throws -> [String] {
        try EscPosDecoder(tcvn3Pages: [30, 31]).decode(far.received).compactMap {
            if case .text(let line) = $0, line.height == 4 { line.text } else { nil }
        }
    }

    @Test func refuseConsumesNoNumberWhenThePaperIsOut() async throws {
        let rig = try rig(.refuse, paperEnd: true)
        defer { rig.far.stop() }
        await #expect(throws: CommandError.self) { try await rig.issuer.issue(service: ServiceCode("A"), priority: false) }
        #expect(await rig.engine.snapshot.tickets.isEmpty)
        #expect(rig.far.received.isEmpty, "nothing was sent into an empty printer")
        let health = await rig.health.all.first { $0.device == "printer" }
        #expect(health?.state == .unavailable)
        #expect(health?.detail?.contains("paper end") == true)

        var condition = SimulatedPrinter.Condition()
        condition.paperEnd = false
        rig.far.condition = condition
        let events = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        guard case .ticketIssued(let ticket, _)? = events.last?.kind else { Issue.record("\(events)"); return }
        #expect(ticket.display == "A001", "the refused attempt used no number")
        try await Task.sleep(for: .milliseconds(200))
        #expect(try printedNumbers(rig.far) == ["A001"])
        #expect(await rig.health.all.first { $0.device == "printer" }?.state == .ok)
    }

    @Test func issueAndFlagIssuesMarksAndReprints() async throws {
        let rig = try rig(.issueAndFlag, paperEnd: true)
        defer { rig.far.stop() }
        let events = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        #expect(events.map(\.name) == ["dayStarted", "ticketIssued", "ticketPrintFailed"])
        let state = await rig.engine.snapshot
        #expect(try state.latest("A001").unprinted)
        #expect(state.waiting.count == 1, "the number is issued: the citizen is in the queue")

        await #expect(throws: CommandError.self) { try await rig.issuer.reprint("A001") }
        var condition = SimulatedPrinter.Condition()
        condition.paperEnd = false
        rig.far.condition = condition
        let reprinted = try await rig.issuer.reprint("A001")
        #expect(reprinted.map(\.name) == ["ticketReprinted"])
        #expect(try await !rig.engine.snapshot.latest("A001").unprinted)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try printedNumbers(rig.far) == ["A001"])
    }
}
