import Foundation
import KioskCore
import KioskRuntime
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
///
/// It runs on a thread of its own: a commit waits for the disk, and a locked database can
/// make it wait seconds, which must not hold up Swift's shared threads (keypads, displays).
public actor QueueEngine {
    public nonisolated let rules: QueueRules
    private var state: QueueState
    private let database: KioskDatabase
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private let health: DeviceHealth?
    private let space: DatabaseSpace?
    private var subscribers: [UUID: AsyncStream<QueueEvent>.Continuation] = [:]
    private var closed = false
    /// The last store failure reported, so the log and `/health` hear of it once.
    private var storeProblem: String?
    private nonisolated let executor = WorkerThread(name: "queue engine")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Rebuilds the state from the database.
    public init(
        rules: QueueRules, database: KioskDatabase, clock: @escaping @Sendable () -> Date = Date.init,
        health: DeviceHealth? = nil, space: DatabaseSpace? = nil, logger: Logger = Logger(label: "kiosk.queue")
    ) throws {
        let log = try database.replayLog()
        self.rules = rules
        self.state = QueueState(rules: rules, nextTicketID: log.nextTicketID, replaying: log.events)
        self.database = database
        self.clock = clock
        self.health = health
        self.space = space
        self.logger = logger
        health?.set("database", path: database.path, .ok)
    }

    /// Decides, stores, then announces: nothing is announced that is not stored.
    /// `durable: false` is for facts the daemon can recover if a power cut loses them (a
    /// print outcome): the commit does not wait for the disk. `actor`: the account that asked
    /// over the pages, stored with the events for the audit log.
    @discardableResult
    public func perform(_ command: QueueCommand, durable: Bool = true, actor: OfficerID? = nil) throws(CommandError) -> [QueueEvent] {
        try checkAccount(command)
        let events: [QueueEvent]
        switch state.decide(command, at: clock(), resuming: resuming) {
        case .success(let produced): events = produced
        case .failure(let rejection): throw .rejected(rejection)
        }
        try store(events, for: command, durable: durable, actor: actor)
        for event in events { state.apply(event) }
        announce(events)
        return events
    }

    /// Runs commands one after the other and stores all their events in one transaction: one
    /// wait for the disk for a printer's whole batch of reservations. A command the rules
    /// refuse is refused alone. If the store fails, every command fails, nothing is announced,
    /// and the state is rebuilt from the database.
    public func perform(batch commands: [QueueCommand], durable: Bool = true) -> [Result<[QueueEvent], CommandError>] {
        if commands.count == 1 { return [Result { () throws(CommandError) in try perform(commands[0], durable: durable) }] }
        let now = clock()
        var results: [Result<[QueueEvent], CommandError>] = []
        var all: [QueueEvent] = []
        for command in commands {
            do throws(CommandError) { try checkAccount(command) } catch {
                results.append(.failure(error))
                continue
            }
            // Each is decided on the state the ones before it made, so each is applied at once.
            switch state.decide(command, at: now, resuming: resuming) {
            case .success(let events):
                for event in events { state.apply(event) }
                all += events
                results.append(.success(events))
            case .failure(let rejection):
                results.append(.failure(.rejected(rejection)))
            }
        }
        do throws(CommandError) { try store(all, for: commands[0], durable: durable) } catch {
            rebuildFromStore()
            return commands.map { _ in .failure(error) }
        }
        announce(all)
        return results
    }

    /// Where `day`'s numbering stopped, if it was used before (a clock that ran ahead, set
    /// back): read from the store when the day changes.
    private func resuming(_ day: LocalDay) -> [NumberingPosition] {
        do {
            return try database.numberingPositions(day: day)
        } catch {
            // The store's key (day, service, sequence) still refuses a repeated number.
            logger.error("cannot read the day's numbering", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Commits the events of a command (or a batch), reporting a failing store once.
    private func store(_ events: [QueueEvent], for command: QueueCommand, durable: Bool, actor: OfficerID? = nil) throws(CommandError) {
        // The day the events belong to: the one a rollover among them starts, or today's.
        let day = events.lazy.compactMap { if case .dayStarted(let d, _) = $0.kind { d } else { nil } }.last ?? state.day
        guard let day, !events.isEmpty else { return }
        do {
            try database.append(events, day: day, durable: durable, actor: actor)
            storeWorks()
            space?.noteStore()
        } catch {
            storeFailed(command, error)
            throw .notStored("\(error)")
        }
    }

    private func announce(_ events: [QueueEvent]) {
        for event in events {
            logger.log(level: event.logLevel, "\(event.name)", metadata: event.logMetadata)
            for continuation in subscribers.values { continuation.yield(event) }
        }
    }

    /// The same, from a thread that may block (a printer's): it waits while the engine's own
    /// thread does the work, without a hop through Swift's shared threads.
    public nonisolated func performBlocking(batch commands: [QueueCommand], durable: Bool = true) -> [Result<[QueueEvent], CommandError>] {
        executor.sync { self.assumeIsolated { $0.perform(batch: commands, durable: durable) } }
    }

    /// A sign-in needs an account the admin created and did not disable.
    private func checkAccount(_ command: QueueCommand) throws(CommandError) {
        guard case .signIn(_, let officer, _) = command else { return }
        let account = try? database.officer(officer)
        guard let account, account.active else { throw .unknownOfficer(officer) }
    }

    /// The same, without waiting: `then` gets the results on the engine's thread (a printer
    /// goes on with the next ticket while its last outcome is stored).
    public nonisolated func performLater(
        batch commands: [QueueCommand], durable: Bool = true,
        then: @escaping @Sendable ([Result<[QueueEvent], CommandError>]) -> Void
    ) {
        executor.async { then(self.assumeIsolated { $0.perform(batch: commands, durable: durable) }) }
    }

    /// After a failed batch the state was ahead of the database: the database is the truth.
    private func rebuildFromStore() {
        do {
            let log = try database.replayLog()
            state = QueueState(rules: rules, nextTicketID: log.nextTicketID, replaying: log.events)
        } catch {
            // Unreadable too: keep the state. Numbers may then skip, never repeat (the store's key refuses a repeat).
            logger.critical("queue state not rebuilt after a failed write", metadata: ["error": "\(error)"])
        }
    }

    /// Tickets whose number was stored but whose printing has no recorded outcome: the
    /// daemon stopped in between. Each is kept as "print unknown" (in the queue, flagged for
    /// staff), logged, and returned. Run once at start, before any press is taken.
    @discardableResult
    public func resolveUnfinishedPrints() throws -> [String] {
        var resolved: [String] = []
        for open in try database.pendingPrints() {
            try perform(.markPrintUnknown(ticket: open.id, display: open.display))
            logger.warning(
                "ticket may not have been printed: the daemon stopped while printing it; reprint or void it",
                metadata: ["ticket.number": "\(open.display)", "day": "\(open.day)"])
            resolved.append(open.display)
        }
        return resolved
    }

    private func storeWorks() {
        guard storeProblem != nil else { return }
        storeProblem = nil
        logger.notice("database writable again", metadata: ["database": "\(database.path)"])
        health?.set("database", path: database.path, .ok)
    }

    private func storeFailed(_ command: QueueCommand, _ error: any Error) {
        let problem = "\(error)"
        logger.error("command not stored", metadata: ["command": "\(command)", "error": "\(problem)"])
        guard storeProblem != problem else { return }
        storeProblem = problem
        health?.set("database", path: database.path, .unavailable, detail: problem)
    }

    public var snapshot: QueueState { state }

    /// Answers at once, on the engine's own thread: the watchdog's sign of life.
    public func ping() {}

    /// The current state and every event after it, with nothing missed in between unless
    /// the subscriber falls more than `buffer` events behind (then the oldest are dropped:
    /// a display that stopped reading must not hold the day's events in memory).
    public func subscribe(buffer: Int = 10_000) -> (QueueState, AsyncStream<QueueEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: QueueEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        if closed { continuation.finish() } else { subscribers[id] = continuation }
        return (state, stream)
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    public var subscriberCount: Int { subscribers.count }

    /// Ends every subscriber's stream, now and later: the outputs and the open display
    /// connections finish, so the daemon can stop.
    public func closeSubscriptions() {
        closed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }
}

extension QueueEvent {
    /// What needs staff is a warning in the log (and in the journal's priorities).
    var logLevel: Logger.Level {
        switch kind {
        case .ticketPrintFailed, .ticketVoided, .ticketPrintUnknown: .warning
        default: .info
        }
    }

    /// The event's facts as log metadata.
    var logMetadata: Logger.Metadata {
        Dictionary(facts.map { ($0.0, Logger.MetadataValue.string($0.1)) }, uniquingKeysWith: { a, _ in a })
    }
}
