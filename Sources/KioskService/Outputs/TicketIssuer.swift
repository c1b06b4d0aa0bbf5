import Foundation
import KioskCore
import KioskDevices
import Logging
import ServiceLifecycle

/// Issues tickets and gets them onto paper, as the failure policy says: with `refuse` a
/// ticket counts only once printed; with `issue-and-flag` it counts at once and a failed
/// print is stored as a flag for a reprint. Either way no failure is silent. As a service it
/// also watches the printer's status, for the log and `/health`.
public struct TicketIssuer: Service {
    let engine: QueueEngine
    let printer: any TicketPrinter
    let renderer: TicketRenderer
    let policy: PrintFailurePolicy
    let health: DeviceHealth
    let logger: Logger
    let statusInterval: Duration
    /// Printer I/O blocks (with deadlines): it runs here, never on Swift's cooperative threads.
    private let io = DispatchQueue(label: "kiosk.printer")

    public init(engine: QueueEngine, printer: any TicketPrinter, renderer: TicketRenderer, policy: PrintFailurePolicy,
                health: DeviceHealth, logger: Logger, statusInterval: Duration = .seconds(30)) {
        self.engine = engine
        self.printer = printer
        self.renderer = renderer
        self.policy = policy
        self.health = health
        self.logger = logger
        self.statusInterval = statusInterval
    }

    public func issue(service: ServiceCode, priority: Bool) async throws(CommandError) -> [QueueEvent] {
        switch policy {
        case .refuse:
            return try await engine.issueTicket(service: service, priority: priority) { ticket, ahead in
                await printOut(ticket, waitingAhead: ahead)
            }
        case .issueAndFlag:
            let events = try await engine.perform(.issueTicket(service: service, priority: priority))
            guard case .ticketIssued(let ticket, let ahead)? = events.last?.kind else { return events }
            if let reason = await printOut(ticket, waitingAhead: ahead) {
                return events + ((try? await engine.perform(.markUnprinted(display: ticket.display, reason: reason))) ?? [])
            }
            return events
        }
    }

    /// Prints today's latest ticket with this number again, and clears its flag.
    public func reprint(_ display: String) async throws(CommandError) -> [QueueEvent] {
        let state = await engine.snapshot
        let ticket: Ticket
        do { ticket = try state.latest(display) } catch { throw .rejected(error) }
        let ahead = state.waiting.prefix { $0 != ticket.id }.filter { state.tickets[$0]?.queueService == ticket.queueService }.count
        if let reason = await printOut(ticket, waitingAhead: ahead) { throw .notPrinted(reason) }
        return try await engine.perform(.markReprinted(display: ticket.display))
    }

    /// Puts one ticket on paper; nil when done, otherwise why not.
    func printOut(_ ticket: Ticket, waitingAhead: Int) async -> String? {
        let name = engine.rules.service(ticket.service)?.name ?? ticket.service.rawValue
        let bytes = renderer.render(ticket, serviceName: name, waitingAhead: waitingAhead)
        let askStatus = renderer.profile.answersStatus
        let printer = self.printer
        let outcome: Result<PrinterStatus, DeviceError> = await withCheckedContinuation { done in
            io.async {
                done.resume(returning: Result { () throws(DeviceError) in
                    // Check first where the printer can say: a ticket into an empty printer is lost.
                    let status = askStatus ? try printer.status() : .unknown
                    if status.blockingReason == nil { try printer.send(bytes) }
                    return status
                })
            }
        }
        var meta: Logger.Metadata = ["ticket.number": "\(ticket.display)", "device.path": "\(printer.path)"]
        switch outcome {
        case .success(let status):
            if let reason = status.blockingReason {
                meta["reason"] = "\(reason)"
                logger.error("ticket not printed", metadata: meta)
                await health.set("printer", path: printer.path, .unavailable, detail: reason)
                return reason
            }
            meta["bytes"] = "\(bytes.count)"
            logger.info("ticket printed", metadata: meta)
            await report(status)
            return nil
        case .failure(let error):
            meta["error"] = "\(error)"
            logger.error("ticket not printed", metadata: meta)
            await health.set("printer", path: printer.path, .unavailable, detail: error.description)
            return error.deviceVanished ? "không tìm thấy máy in (\(error))" : "\(error)"
        }
    }

    private func report(_ status: PrinterStatus) async {
        if let reason = status.blockingReason {
            await health.set("printer", path: printer.path, .unavailable, detail: reason)
        } else if status.paperNearEnd == true {
            logger.warning("printer paper near end", metadata: ["device.path": "\(printer.path)"])
            await health.set("printer", path: printer.path, .ok, detail: "sắp hết giấy (paper near end)")
        } else {
            await health.set("printer", path: printer.path, .ok, detail: status.answered ? nil : "no status reply: state unknown")
        }
    }

    public func run() async throws {
        await health.set("printer", path: printer.path, .unknown)
        guard renderer.profile.answersStatus else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let printer = self.printer
                let outcome: Result<PrinterStatus, DeviceError> = await withCheckedContinuation { done in
                    io.async { done.resume(returning: Result { () throws(DeviceError) in try printer.status() }) }
                }
                switch outcome {
                case .success(let status): await report(status)
                case .failure(let error): await health.set("printer", path: printer.path, .unavailable, detail: error.description)
                }
                try? await Task.sleep(for: statusInterval)
            }
        }
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

    @discardableResult
    public func perform(_ command: QueueCommand) async throws(CommandError) -> [QueueEvent] {
        switch command {
        case .issueTicket(let service, let priority):
            if let issuer { return try await issuer.issue(service: service, priority: priority) }
        case .markReprinted(let display):
            if let issuer { return try await issuer.reprint(display) }
        default:
            break
        }
        return try await engine.perform(command)
    }
}
