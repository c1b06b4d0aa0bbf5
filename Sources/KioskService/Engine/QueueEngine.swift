import Foundation
import KioskCore
import KioskStore
import Logging

/// Why the engine did not carry out a command.
public enum CommandError: Error, CustomStringConvertible, Sendable {
    /// The queue rules refused it; nothing changed.
    case rejected(QueueRejection)
    /// Sign-in with an account the admin has not created (or has disabled).
    case unknownOfficer(OfficerID)
    /// The printer could not print the ticket, so it was not issued (policy "refuse").
    case notPrinted(String)
    /// The database refused or failed; nothing changed, nothing was announced.
    case notStored(String)

    public var description: String {
        switch self {
        case .rejected(let r): r.description
        case .unknownOfficer(let o): "no active officer account \(o): create it with `kiosk officer add`"
        case .notPrinted(let reason): "ticket not issued, the printer failed: \(reason)"
        case .notStored(let message): "not stored: \(message)"
        }
    }
}

/// The one owner of the queue state. A command is applied, committed to the database, and
/// only then announced to the outputs, so a display never shows what a power cut would undo.
public actor QueueEngine {
    public nonisolated let rules: QueueRules
    private var state: QueueState
    private let database: KioskDatabase
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private var subscribers: [UUID: AsyncStream<QueueEvent>.Continuation] = [:]
    private var closed = false
    /// Tickets are issued one at a time, printing included, so a number printed is the number stored.
    private var issuing = false
    private var issueWaiters: [CheckedContinuation<Void, Never>] = []

    /// Rebuilds the state from the database.
    public init(rules: QueueRules, database: KioskDatabase, clock: @escaping @Sendable () -> Date = Date.init,
                logger: Logger = Logger(label: "kiosk.queue")) throws {
        let log = try database.replayLog()
        self.rules = rules
        self.state = QueueState(rules: rules, nextTicketID: log.nextTicketID, replaying: log.events)
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    @discardableResult
    public func perform(_ command: QueueCommand) throws(CommandError) -> [QueueEvent] {
        if case .signIn(_, let officer) = command {
            let account = try? database.officer(officer)
            guard let account, account.active else { throw .unknownOfficer(officer) }
        }
        return try commit(command, at: clock())
    }

    /// Issues a ticket that must be printed before it counts: `print` gets the ticket about
    /// to be issued and returns nil once it is on paper, or why it is not. A failed print
    /// leaves the queue and the numbering untouched.
    public func issueTicket(service: ServiceCode, priority: Bool,
                            printingFirst print: @Sendable (Ticket, Int) async -> String?) async throws(CommandError) -> [QueueEvent] {
        await takeIssueTurn()
        defer { endIssueTurn() }
        let command = QueueCommand.issueTicket(service: service, priority: priority)
        let now = clock()
        guard case .success(let planned) = state.decide(command, at: now) else {
            return try commit(command, at: now) // the same refusal, reported the usual way
        }
        guard case .ticketIssued(let ticket, let ahead)? = planned.last?.kind else { return try commit(command, at: now) }
        if let reason = await print(ticket, ahead) {
            logger.warning("ticket refused: not printed", metadata: ["service": "\(service)", "reason": "\(reason)"])
            throw .notPrinted(reason)
        }
        // Other commands may have run while printing; no other ticket was issued, so this is the printed one.
        return try commit(command, at: now)
    }

    private func takeIssueTurn() async {
        if !issuing {
            issuing = true
            return
        }
        await withCheckedContinuation { issueWaiters.append($0) }
    }

    private func endIssueTurn() {
        if issueWaiters.isEmpty { issuing = false } else { issueWaiters.removeFirst().resume() }
    }

    /// Decides, stores, then announces: nothing is announced that is not stored.
    private func commit(_ command: QueueCommand, at now: Date) throws(CommandError) -> [QueueEvent] {
        let events: [QueueEvent]
        switch state.decide(command, at: now) {
        case .success(let produced): events = produced
        case .failure(let rejection): throw .rejected(rejection)
        }
        // The day the events belong to: the one a rollover among them starts, or today's.
        let day = events.lazy.compactMap { if case .dayStarted(let d) = $0.kind { d } else { nil } }.last ?? state.day
        do {
            if let day { try database.append(events, day: day) }
        } catch {
            logger.error("command not stored", metadata: ["command": "\(command)", "error": "\(error)"])
            throw .notStored("\(error)")
        }
        for event in events { state.apply(event) }
        for event in events {
            logger.info("\(event.name)", metadata: event.logMetadata)
            for continuation in subscribers.values { continuation.yield(event) }
        }
        return events
    }

    public var snapshot: QueueState { state }

    /// The current state and every event after it, with nothing missed in between.
    public func subscribe() -> (QueueState, AsyncStream<QueueEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: QueueEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        if closed { continuation.finish() } else { subscribers[id] = continuation }
        return (state, stream)
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    /// Ends every subscriber's stream, now and later: the outputs and the open display
    /// connections finish, so the daemon can stop.
    public func closeSubscriptions() {
        closed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }
}

extension QueueEvent {
    /// The event's facts as log metadata.
    var logMetadata: Logger.Metadata {
        switch kind {
        case .dayStarted(let day): ["day": "\(day)"]
        case .ticketIssued(let t, let ahead): ["ticket.number": "\(t.display)", "service": "\(t.service)", "priority": "\(t.priority)", "waiting.ahead": "\(ahead)"]
        case .ticketCalled(_, let d, let c, let o): ["ticket.number": "\(d)", "counter": "\(c)", "officer": "\(o)"]
        case .ticketRecalled(_, let d, let c, let n): ["ticket.number": "\(d)", "counter": "\(c)", "recalls": "\(n)"]
        case .ticketFinished(let id, let c, let outcome): ["ticket.id": "\(id.rawValue)", "counter": "\(c)", "outcome": "\(outcome.rawValue)"]
        case .ticketNoShow(let id, let c), .ticketHeld(let id, let c): ["ticket.id": "\(id.rawValue)", "counter": "\(c)"]
        case .ticketTransferred(let id, let c, let to): ["ticket.id": "\(id.rawValue)", "counter": "\(c)", "to": "\(to)"]
        case .ticketReturned(_, let d, let c): ["ticket.number": "\(d)", "counter": "\(c)"]
        case .ticketExpired(let id): ["ticket.id": "\(id.rawValue)"]
        case .officerSignedIn(let o, let c), .officerSignedOut(let o, let c): ["officer": "\(o)", "counter": "\(c)"]
        case .ticketPrintFailed(_, let d, let reason): ["ticket.number": "\(d)", "reason": "\(reason)"]
        case .ticketReprinted(_, let d): ["ticket.number": "\(d)"]
        case .ratingRecorded(let r):
            // The level is for the record, not for watching: officers see aggregates only.
            ["counter": "\(r.counter)", "ticket.number": "\(r.ticketDisplay ?? "-")", "flag": "\(r.flag?.rawValue ?? "-")"]
        }
    }
}
