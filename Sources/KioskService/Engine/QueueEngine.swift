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
    /// The database refused or failed; nothing changed, nothing was announced.
    case notStored(String)

    public var description: String {
        switch self {
        case .rejected(let r): r.description
        case .unknownOfficer(let o): "no active officer account \(o): create it with `kiosk officer add`"
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
        var next = state
        let events: [QueueEvent]
        switch next.handle(command, at: clock()) {
        case .success(let produced): events = produced
        case .failure(let rejection): throw .rejected(rejection)
        }
        do {
            try database.append(events, day: next.day!)
        } catch {
            logger.error("command not stored", metadata: ["command": "\(command)", "error": "\(error)"])
            throw .notStored("\(error)")
        }
        state = next
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
        case .ratingRecorded(let r):
            // The level is for the record, not for watching: officers see aggregates only.
            ["counter": "\(r.counter)", "ticket.number": "\(r.ticketDisplay ?? "-")", "flag": "\(r.flag?.rawValue ?? "-")"]
        }
    }
}
