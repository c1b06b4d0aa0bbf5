import Foundation
import Glibc
import KioskCore
import KioskDevices
import KioskRuntime
import KioskStore
import KioskTestSupport
import Logging
import Testing

@testable import KioskService

/// The ticket journal and the failure policy against a simulated printer on a real
/// pseudo-terminal: what the citizen gets on paper, what the store says, what staff see.
@Suite(.serialized) struct PrintFailurePolicyTests {
    struct Rig {
        let engine: QueueEngine
        let database: KioskDatabase
        let issuer: TicketIssuer
        let far: SimulatedPrinter
        let pty: PseudoTerminal
        let health: DeviceHealth
    }

    func rig(
        _ policy: PrintFailurePolicy, paperEnd: Bool = false, answersStatus: Bool = true,
        deadline: Duration = .seconds(5)
    ) throws -> Rig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-print-\(UUID().uuidString).sqlite").path
        let database = try KioskDatabase(path: path)
        let rules = QueueRules(
            services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
            counters: [CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A")])])
        let health = DeviceHealth()
        let engine = try QueueEngine(rules: rules, database: database, health: health)
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        var condition = SimulatedPrinter.Condition()
        condition.paperEnd = paperEnd
        far.condition = condition
        far.serve(pty)
        var profile = PrinterProfile.named("epson-tm-t82")!
        profile.answersStatus = answersStatus
        let renderer = TicketRenderer(
            centreName: "Xã Tân Phú", layout: TicketLayout(title: "PHIẾU SỐ THỨ TỰ", footer: []),
            timeZone: rules.timeZone, profile: profile, rasterizer: nil)
        let issuer = TicketIssuer(
            engine: engine, printer: DevicePathPrinter(path: pty.slavePath, baud: 115200, statusTimeoutMs: 300),
            renderer: renderer, policy: policy, health: health, logger: Logger(label: "test"), deadline: deadline)
        return Rig(engine: engine, database: database, issuer: issuer, far: far, pty: pty, health: health)
    }

    func printedNumbers(_ far: SimulatedPrinter) throws -> [String] {
        try EscPosDecoder(tcvn3Pages: [30, 31]).decode(far.received).compactMap {
            if case .text(let line) = $0, line.height == 4 { line.text } else { nil }
        }
    }

    /// The journal as the store keeps it: number, status and print state of every ticket.
    func journal(_ database: KioskDatabase) throws -> [String] {
        var rows: [String] = []
        try database.forEachTicket(ExportFilter(from: LocalDay(iso: "2000-01-01")!, to: LocalDay(iso: "2100-12-31")!)) {
            rows.append("\($0.number) \($0.status) \($0.printState)")
        }
        return rows
    }

    func setPaper(_ far: SimulatedPrinter, end: Bool) {
        var condition = far.condition
        condition.paperEnd = end
        far.condition = condition
    }

    @Test func refuseConsumesNoNumberWhenThePaperIsOut() async throws {
        let rig = try rig(.refuse, paperEnd: true)
        defer { rig.far.stop() }
        await #expect(throws: CommandError.self) { try await rig.issuer.issue(service: ServiceCode("A"), priority: false) }
        #expect(await rig.engine.snapshot.tickets.isEmpty, "nothing reserved")
        #expect(try journal(rig.database).isEmpty)
        #expect(rig.far.received.isEmpty, "nothing was sent into an empty printer")
        let health = rig.health.entry("printer")
        #expect(health?.state == .unavailable)
        #expect(health?.detail?.contains("paper end") == true)

        setPaper(rig.far, end: false)
        let events = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        #expect(events.map(\.name) == ["dayStarted", "ticketIssued", "ticketPrinted"])
        guard case .ticketIssued(let ticket, _)? = events.first(where: { $0.name == "ticketIssued" })?.kind else {
            Issue.record("\(events)")
            return
        }
        #expect(ticket.display == "A001", "the refused attempt used no number")
        #expect(ticket.print == .pending, "stored before the printer got a byte")
        try await waitUntil("the ticket on paper") { (try? printedNumbers(rig.far)) == ["A001"] }
        #expect(try journal(rig.database) == ["A001 waiting printed"])
        #expect(rig.health.entry("printer")?.state == .ok)
    }

    @Test func issueAndFlagIssuesMarksAndReprints() async throws {
        let rig = try rig(.issueAndFlag, paperEnd: true)
        defer { rig.far.stop() }
        let events = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        #expect(events.map(\.name) == ["dayStarted", "ticketIssued", "ticketPrintFailed"])
        let state = await rig.engine.snapshot
        #expect(try state.named("A001").print == .failed)
        #expect(state.waiting.count == 1, "the number is issued: the citizen is in the queue")
        #expect(try journal(rig.database) == ["A001 waiting failed"])

        await #expect(throws: CommandError.self) { try await rig.issuer.reprint("A001") }
        #expect(rig.far.received.isEmpty, "a reprint into an empty printer is not sent either")
        setPaper(rig.far, end: false)
        let reprinted = try await rig.issuer.reprint("A001")
        #expect(reprinted.map(\.name) == ["ticketReprinted"])
        #expect(try await rig.engine.snapshot.named("A001").print == .printed)
        try await waitUntil("the reprint on paper") { (try? printedNumbers(rig.far)) == ["A001"] }
        #expect(try journal(rig.database) == ["A001 waiting printed"])
    }

    /// A serial printer that stops taking data (CTS held low; here the pseudo-terminal's
    /// output is suspended, which the kernel treats the same way): the ticket fails by its
    /// deadline, its number is voided (a gap, never a duplicate), the officers go on.
    @Test func aPrinterThatStopsTakingDataFailsTheTicketByItsDeadline() async throws {
        let rig = try rig(.refuse, answersStatus: false, deadline: .milliseconds(600))
        defer { rig.far.stop() }
        try await rig.database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        _ = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        try await waitUntil("A001 on paper") { (try? printedNumbers(rig.far)) == ["A001"] }

        let stall = open(rig.pty.slavePath, O_RDWR | O_NOCTTY)
        #expect(stall >= 0 && tcflow(stall, TCOOFF) == 0)
        // Fill what the terminal still buffers, so the next ticket meets a port that takes nothing.
        let filler = [UInt8](repeating: 0x20, count: 4096)
        _ = fcntl(stall, F_SETFL, O_NONBLOCK)
        while filler.withUnsafeBytes({ write(stall, $0.baseAddress, $0.count) }) > 0 {}

        let started = ContinuousClock.now
        let stuck = Task { try await rig.issuer.issue(service: ServiceCode("A"), priority: false) }
        // Meanwhile the counters go on: sign-in and a call do not wait for the printer.
        let one = CounterNumber(1)
        let callStarted = ContinuousClock.now
        try await rig.engine.perform(.signIn(counter: one, officer: OfficerID("an")))
        try await rig.engine.perform(.callNext(counter: one))
        #expect(ContinuousClock.now - callStarted < .milliseconds(300), "the call did not wait for the printer")

        await #expect(throws: CommandError.self) { try await stuck.value }
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(550) && took < .seconds(2), "failed by its deadline: \(took)")
        #expect(rig.health.entry("printer")?.state == .unavailable)
        #expect(
            rig.health.entry("printer")?.detail?.contains("printer stalled") == true, "\(String(describing: rig.health.entry("printer")))")
        #expect(try journal(rig.database) == ["A001 called printed", "A002 voided voided"])

        tcflow(stall, TCOON)
        close(stall)
        let events = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        guard case .ticketIssued(let next, _)? = events.first?.kind else {
            Issue.record("\(events)")
            return
        }
        #expect(next.display == "A003", "the voided number is not given again")
    }

    /// A printer that sends bytes without end cannot keep the status exchange reading.
    @Test func aPrinterThatBabblesForeverDoesNotHoldTheTicket() async throws {
        let rig = try rig(.refuse, deadline: .seconds(3))
        defer { rig.far.stop() }
        var condition = rig.far.condition
        condition.babbles = true
        condition.answers = false
        rig.far.condition = condition
        let started = ContinuousClock.now
        let events = try await rig.issuer.issue(service: ServiceCode("A"), priority: false)
        #expect(ContinuousClock.now - started < .seconds(2), "bounded in bytes and time")
        #expect(events.map(\.name).suffix(2) == ["ticketIssued", "ticketPrinted"], "no status reply is unknown, not a refusal")
        let health = rig.health.entry("printer")
        #expect(health?.state == .unknown, "a printer that does not answer is not called ok")
        #expect(health?.detail == TicketIssuer.stateNotKnown)
    }

    /// Tickets reserved but never resolved (the daemon stopped in between) are found at start.
    @Test func aReservationWithoutOutcomeBecomesPrintUnknownAtStart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-journal-\(UUID().uuidString).sqlite").path
        let rules = QueueRules(
            services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
            counters: [CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A")])])
        do {
            let engine = try QueueEngine(rules: rules, database: try KioskDatabase(path: path))
            try await engine.perform(.reserveTicket(service: ServiceCode("A"), priority: false))
            let second = try await engine.perform(.reserveTicket(service: ServiceCode("A"), priority: false))
            guard case .ticketIssued(let t, _)? = second.last?.kind else {
                Issue.record("\(second)")
                return
            }
            try await engine.perform(.recordPrint(ticket: t.id, display: t.display, outcome: .printed), durable: false)
        }
        let database = try KioskDatabase(path: path)
        let health = DeviceHealth()
        let restarted = try QueueEngine(rules: rules, database: database, health: health)
        #expect(try await restarted.resolveUnfinishedPrints() == ["A001"])
        let state = await restarted.snapshot
        #expect(try state.named("A001").print == .unknown)
        #expect(state.nextTicket(for: CounterNumber(1))?.display == "A001", "kept in the queue: the citizen may hold it")
        #expect(try journal(database) == ["A001 waiting unknown", "A002 waiting printed"])
        #expect(try await restarted.resolveUnfinishedPrints().isEmpty, "resolved once")
        let voided = try await restarted.perform(.void(display: "A001", reason: "nobody holds it"))
        #expect(voided.map(\.name) == ["ticketVoided"])
        #expect(try journal(database) == ["A001 voided voided", "A002 waiting printed"])
    }
}
