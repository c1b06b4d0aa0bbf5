import Foundation
import KioskCore
import KioskDevices
import Logging
import ServiceLifecycle

/// Issues tickets and gets them onto paper, keeping a journal as payment terminals do: the
/// number is stored (reserved) before a byte goes to the printer, and the outcome after. A
/// number once reserved is never given again, whatever happens to the daemon; a reservation
/// found without an outcome after a restart is "print unknown" (see `QueueEngine`).
///
/// `refuse`: where the printer answers status queries and says it cannot print, nothing is
/// reserved; a ticket that fails after its reservation is voided (its number is skipped).
/// `issue-and-flag`: the ticket counts at once and a failed print flags it for a reprint.
///
/// Each ticket has one deadline from the press (waiting for the printer, status exchange,
/// writing and draining together). Printer I/O runs on its own thread, never in the queue
/// engine, so a stuck printer fails its tickets while calls, sign-ins and ratings go on.
public struct TicketIssuer: Service {
    let engine: QueueEngine
    let printer: any TicketPrinter
    let renderer: TicketRenderer
    let policy: PrintFailurePolicy
    let health: DeviceHealth
    let logger: Logger
    let statusInterval: Duration
    /// The whole of one ticket, from the press to the last byte drained.
    let deadline: Duration
    private let io = WorkerThread(name: "printer")
    /// One ticket at a time: its status check and its bytes are not interleaved with another's.
    private let turn = PrinterTurn()

    public init(engine: QueueEngine, printer: any TicketPrinter, renderer: TicketRenderer, policy: PrintFailurePolicy,
                health: DeviceHealth, logger: Logger, statusInterval: Duration = .seconds(30), deadline: Duration = .seconds(5)) {
        self.engine = engine
        self.printer = printer
        self.renderer = renderer
        self.policy = policy
        self.health = health
        self.logger = logger
        self.statusInterval = statusInterval
        self.deadline = deadline
    }

    /// `pressedAt`: when the citizen pressed (a keypad's event time), so a press that waited
    /// behind a stuck printer is refused at its deadline instead of printing minutes late.
    public func issue(service: ServiceCode, priority: Bool, pressedAt: ContinuousClock.Instant = .now) async throws(CommandError) -> [QueueEvent] {
        let deadline = Deadline(pressedAt + self.deadline)
        guard await turn.acquire(by: deadline) else {
            let reason = "máy in đang bận quá \(Int(self.deadline.components.seconds)) giây (printer busy)"
            logger.error("ticket not printed", metadata: ["service": "\(service)", "reason": "\(reason)"])
            if policy == .refuse { throw .notPrinted(reason) }
            // issue-and-flag: the citizen is in the queue all the same, flagged for a reprint.
            let reserved = try await engine.perform(.reserveTicket(service: service, priority: priority))
            return reserved + (await record(reserved, .failure(reason)))
        }
        let result = await issueHoldingTurn(service: service, priority: priority, by: deadline)
        await turn.release()
        let (reserved, printed) = try result.get()
        let outcome = await record(reserved, printed)
        if case .failure(let reason) = printed, policy == .refuse { throw .notPrinted(reason) }
        return reserved + outcome
    }

    private enum Printed {
        case success
        case failure(String)
    }

    /// Status, reservation, bytes: the part that must not interleave with another ticket.
    private func issueHoldingTurn(service: ServiceCode, priority: Bool, by deadline: Deadline)
        async -> Result<([QueueEvent], Printed), CommandError> {
        // Ask first where the printer can say: with `refuse`, a printer that cannot print uses no number.
        let blocked = await blockingReason(by: deadline)
        if let blocked {
            logger.error("ticket not printed", metadata: ["service": "\(service)", "device.path": "\(printer.path)", "reason": "\(blocked)"])
            if policy == .refuse { return .failure(.notPrinted(blocked)) }
        }
        let reserved: [QueueEvent]
        do { reserved = try await engine.perform(.reserveTicket(service: service, priority: priority)) } catch {
            return .failure(error)
        }
        guard case .ticketIssued(let ticket, let ahead)? = reserved.last?.kind else { return .success((reserved, .success)) }
        if let blocked { return .success((reserved, .failure(blocked))) }
        return .success((reserved, await printOut(ticket, waitingAhead: ahead, by: deadline)))
    }

    /// Why the printer cannot print now, where it answers status queries; nil if nothing
    /// known stops it. A failed exchange is a reason too.
    private func blockingReason(by deadline: Deadline) async -> String? {
        guard renderer.profile.answersStatus else { return nil }
        switch await onPrinterThread({ (printer, deadline) throws(DeviceError) in try printer.status(by: deadline) }, by: deadline) {
        case .success(let status):
            report(status)
            return status.blockingReason
        case .failure(let error):
            let reason = describe(error)
            health.set("printer", path: printer.path, .unavailable, detail: reason)
            return reason
        }
    }

    /// Stores the outcome of a reserved ticket. Not waiting for the disk: a power cut that
    /// loses it leaves "print unknown", which the next start reports.
    private func record(_ reserved: [QueueEvent], _ printed: Printed) async -> [QueueEvent] {
        guard case .ticketIssued(let ticket, _)? = reserved.last?.kind else { return [] }
        let outcome: PrintOutcome
        switch printed {
        case .success: outcome = .printed
        case .failure(let reason): outcome = policy == .refuse ? .failedVoided(reason: reason) : .failedKept(reason: reason)
        }
        do {
            return try await engine.perform(.recordPrint(ticket: ticket.id, display: ticket.display, outcome: outcome), durable: false)
        } catch {
            logger.error("print outcome not stored: the ticket will show as print unknown after a restart",
                         metadata: ["ticket.number": "\(ticket.display)", "error": "\(error)"])
            return []
        }
    }

    /// Prints today's latest ticket with this number again, and clears its flag.
    public func reprint(_ display: String) async throws(CommandError) -> [QueueEvent] {
        let state = await engine.snapshot
        let ticket: Ticket
        do { ticket = try state.latest(display) } catch { throw .rejected(error) }
        if ticket.status == .voided { throw .rejected(.voided(ticket.display)) }
        let ahead = state.waiting.prefix { $0 != ticket.id }.filter { state.tickets[$0]?.queueService == ticket.queueService }.count
        let deadline = Deadline.after(self.deadline)
        guard await turn.acquire(by: deadline) else { throw .notPrinted("máy in đang bận (printer busy)") }
        let printed: Printed
        if let blocked = await blockingReason(by: deadline) { printed = .failure(blocked) } else {
            printed = await printOut(ticket, waitingAhead: ahead, by: deadline)
        }
        await turn.release()
        if case .failure(let reason) = printed { throw .notPrinted(reason) }
        return try await engine.perform(.markReprinted(display: ticket.display))
    }

    /// Puts one ticket on paper before the deadline.
    private func printOut(_ ticket: Ticket, waitingAhead: Int, by deadline: Deadline) async -> Printed {
        let name = engine.rules.service(ticket.service)?.name ?? ticket.service.rawValue
        let renderer = self.renderer
        var meta: Logger.Metadata = ["ticket.number": "\(ticket.display)", "device.path": "\(printer.path)"]
        let sent = await onPrinterThread({ (printer, deadline) throws(DeviceError) in
            let bytes = renderer.render(ticket, serviceName: name, waitingAhead: waitingAhead)
            try printer.send(bytes, by: Deadline(deadline.instant + printer.transmissionTime(bytes: bytes.count)))
            return bytes.count
        }, by: deadline)
        switch sent {
        case .success(let count):
            meta["bytes"] = "\(count)"
            logger.info("ticket printed", metadata: meta)
            if !renderer.profile.answersStatus { health.set("printer", path: printer.path, .ok) }
            return .success
        case .failure(let error):
            let reason = describe(error)
            meta["error"] = "\(error)"
            logger.error("ticket not printed", metadata: meta)
            health.set("printer", path: printer.path, .unavailable, detail: reason)
            return .failure(reason)
        }
    }

    /// What the officer and the kiosk page read about a printer failure.
    private func describe(_ error: DeviceError) -> String {
        if error.deviceVanished { return "không tìm thấy máy in (\(error))" }
        if error.errno == ETIMEDOUT {
            return "máy in không nhận dữ liệu trong \(Int(deadline.components.seconds)) giây (printer stalled: \(error))"
        }
        return "\(error)"
    }

    /// Runs blocking printer I/O on the printer's thread, with the deadline.
    private func onPrinterThread<T: Sendable>(_ body: @escaping @Sendable (any TicketPrinter, Deadline) throws(DeviceError) -> T,
                                              by deadline: Deadline) async -> Result<T, DeviceError> {
        let printer = self.printer
        return await io.run { () throws(DeviceError) in try body(printer, deadline) }
    }

    private func report(_ status: PrinterStatus) {
        if let reason = status.blockingReason {
            health.set("printer", path: printer.path, .unavailable, detail: reason)
        } else if status.paperNearEnd == true {
            logger.warning("printer paper near end", metadata: ["device.path": "\(printer.path)"])
            health.set("printer", path: printer.path, .ok, detail: "sắp hết giấy (paper near end)")
        } else {
            health.set("printer", path: printer.path, .ok, detail: status.answered ? nil : "no status reply: state unknown")
        }
    }

    public func run() async throws {
        health.set("printer", path: printer.path, .unknown)
        guard renderer.profile.answersStatus else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Between tickets only: a ticket being printed has the port.
                let deadline = Deadline.after(.seconds(2))
                if await turn.acquire(by: deadline) {
                    let outcome = await onPrinterThread({ (printer, deadline) throws(DeviceError) in try printer.status(by: deadline) }, by: deadline)
                    await turn.release()
                    switch outcome {
                    case .success(let status): report(status)
                    case .failure(let error): health.set("printer", path: printer.path, .unavailable, detail: describe(error))
                    }
                }
                try? await Task.sleep(for: statusInterval)
            }
        }
    }
}

/// A first-come, first-served turn at the printer that a waiter gives up at its deadline.
actor PrinterTurn {
    private var busy = false
    private var waiters: [(id: Int, resume: CheckedContinuation<Bool, Never>)] = []
    private var nextID = 0

    /// True once it is this caller's turn; false if the deadline came first.
    func acquire(by deadline: Deadline) async -> Bool {
        if !busy {
            busy = true
            return true
        }
        nextID += 1
        let id = nextID
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline.instant, clock: .continuous)
            await self?.giveUp(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { waiters.append((id, $0)) }
    }

    private func giveUp(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).resume.resume(returning: false)
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume.resume(returning: true) }
    }
}

/// Where commands from keypads and the control socket go: tickets through the issuer (so
/// they are printed), everything else straight to the engine.
public struct CommandRouter: Sendable {
    public let engine: QueueEngine
    public let issuer: TicketIssuer?

    public init(engine: QueueEngine, issuer: TicketIssuer?) {
        self.engine = engine
        self.issuer = issuer
    }

    /// `pressedAt`: when the button behind the command was pressed, if known.
    @discardableResult
    public func perform(_ command: QueueCommand, pressedAt: ContinuousClock.Instant = .now) async throws(CommandError) -> [QueueEvent] {
        switch command {
        case .issueTicket(let service, let priority):
            if let issuer { return try await issuer.issue(service: service, priority: priority, pressedAt: pressedAt) }
        case .markReprinted(let display):
            if let issuer { return try await issuer.reprint(display) }
        default:
            break
        }
        return try await engine.perform(command)
    }
}
