import Foundation
import KioskCore
import KioskDevices
import KioskRuntime
import Logging
import ServiceLifecycle
import Synchronization

/// Issues tickets and gets them onto paper, keeping a journal as payment terminals do: the
/// number is stored (reserved) before a byte goes to the printer, and the outcome after. A
/// number once reserved is never given again, whatever happens to the daemon; a reservation
/// found without an outcome after a restart is "print unknown" (see `QueueEngine`).
///
/// `refuse`: where the printer answers status queries and says it cannot print, nothing is
/// reserved; a ticket that fails after its reservation is voided (its number is skipped).
/// `issue-and-flag`: the ticket counts at once and a failed print flags it for a reprint.
///
/// All printer work runs on the printer's own thread, never in the queue engine, so a stuck
/// printer fails its tickets while calls, sign-ins and ratings go on. Tickets asked for while
/// the printer is busy are taken together: one status exchange and one wait for the disk for
/// the lot, then their bytes one after another. Each ticket has one deadline from its press
/// (waiting, status exchange, writing and draining together).
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
    private let pending = PendingRequests()
    /// When the printer last said it could print: within `statusFresh` of that, a queue of
    /// presses is not held up by asking again for each (it is still asked twice a second).
    private let printerThread = PrinterThreadState()
    static let statusFresh: Duration = .milliseconds(500)
    /// Fired once the printer was tried (its first status exchange, or at once for one that
    /// cannot answer): READY=1 waits for it.
    let ready: ReadySignal
    /// What the pages say of a printer that does not tell its state.
    static let stateNotKnown = "máy in không báo trạng thái: không biết còn giấy hay nắp có mở (the printer does not report its state)"

    /// What only the printer's thread reads and writes.
    final class PrinterThreadState: @unchecked Sendable {
        var lastGood: ContinuousClock.Instant?
        /// A batch sent while more tickets were already asked for: its outcomes go into
        /// the next batch's reservation, one commit for both.
        var carried: SentBatch?
    }

    public init(
        engine: QueueEngine, printer: any TicketPrinter, renderer: TicketRenderer, policy: PrintFailurePolicy,
        health: DeviceHealth, logger: Logger, statusInterval: Duration = .seconds(30), deadline: Duration = .seconds(5),
        ready: ReadySignal = .unwatched
    ) {
        self.ready = ready
        self.engine = engine
        self.printer = printer
        self.renderer = renderer
        self.policy = policy
        self.health = health
        self.logger = logger
        self.statusInterval = statusInterval
        self.deadline = deadline
    }

    /// A ticket or a reprint waiting for the printer's thread.
    final class Request: Sendable {
        enum Kind: Sendable {
            case issue(ServiceCode, priority: Bool)
            case reprint(Ticket, waitingAhead: Int)
        }

        let kind: Kind
        let deadline: Deadline
        let done: @Sendable (Result<[QueueEvent], CommandError>) -> Void

        init(_ kind: Kind, deadline: Deadline, done: @escaping @Sendable (Result<[QueueEvent], CommandError>) -> Void) {
            self.kind = kind
            self.deadline = deadline
            self.done = done
        }
    }

    /// The requests not yet taken by the printer's thread.
    final class PendingRequests: Sendable {
        private let requests = Mutex<[Request]>([])
        func add(_ request: Request) { requests.withLock { $0.append(request) } }
        func takeAll() -> [Request] {
            requests.withLock { all in
                defer { all.removeAll() }
                return all
            }
        }
        var isEmpty: Bool { requests.withLock { $0.isEmpty } }
    }

    /// `pressedAt`: when the citizen pressed (a keypad's event time), so a press that waited
    /// behind a stuck printer is refused at its deadline instead of printing minutes late.
    public func issue(service: ServiceCode, priority: Bool, pressedAt: ContinuousClock.Instant = .now) async throws(CommandError)
        -> [QueueEvent]
    {
        try await submit(.issue(service, priority: priority), deadline: Deadline(pressedAt + deadline))
    }

    /// Prints today's ticket with this number again (the one in the queue), and clears its flag.
    public func reprint(_ display: String) async throws(CommandError) -> [QueueEvent] {
        let state = await engine.snapshot
        let ticket: Ticket
        do { ticket = try state.named(display) } catch { throw .rejected(error) }
        if ticket.status == .voided { throw .rejected(.voided(ticket.display)) }
        let ahead = state.waiting.prefix { $0 != ticket.id }.filter { state.tickets[$0]?.queueService == ticket.queueService }.count
        return try await submit(.reprint(ticket, waitingAhead: ahead), deadline: .after(deadline))
    }

    private func submit(_ kind: Request.Kind, deadline: Deadline) async throws(CommandError) -> [QueueEvent] {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[QueueEvent], CommandError>, Never>) in
            enqueue(kind, deadline: deadline) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Asks for a ticket from a keypad's own reading thread: when the printer is idle, that
    /// thread reserves (one durable commit), renders and sends the ticket itself, with no
    /// switch to another thread; when it is busy, the request waits for the printer's next
    /// batch and the keypad goes on reading. `done` hears the outcome, on whichever thread
    /// did the work (or the engine's, for a stored outcome).
    func issue(
        service: ServiceCode, priority: Bool, pressedAt: ContinuousClock.Instant,
        done: @escaping @Sendable (Result<[QueueEvent], CommandError>) -> Void
    ) {
        pending.add(Request(.issue(service, priority: priority), deadline: Deadline(pressedAt + deadline), done: done))
        let issuer = self
        io.runHereIfIdle { issuer.printPending() }
    }

    private func enqueue(_ kind: Request.Kind, deadline: Deadline, done: @escaping @Sendable (Result<[QueueEvent], CommandError>) -> Void) {
        pending.add(Request(kind, deadline: deadline, done: done))
        let issuer = self
        io.async { issuer.printPending() }
    }

    // MARK: On the printer's thread (or a keypad's, in its place: see `io.runHereIfIdle`)

    /// Takes every waiting request (a later call finds none: they came in this batch).
    private func printPending() {
        let batch = pending.takeAll()
        guard !batch.isEmpty else { return storeCarried() }
        let (late, live) = (batch.filter { $0.deadline.hasPassed }, batch.filter { !$0.deadline.hasPassed })
        if !late.isEmpty {
            storeCarried()
            let reason = "máy in đang bận quá \(Int(deadline.components.seconds)) giây (printer busy)"
            issueWithoutPrinting(late.filter { if case .issue = $0.kind { true } else { false } }, reason: reason)
            for request in late { if case .reprint = request.kind { request.done(.failure(.notPrinted(reason))) } }
        }
        guard let first = live.map(\.deadline).min() else { return }
        // Ask first where the printer can say: with `refuse`, a printer that cannot print uses no number.
        let blocked = blockingReason(by: first)
        var issues: [Request] = []
        for request in live {
            switch request.kind {
            case .issue: issues.append(request)
            case .reprint(let ticket, let ahead):
                storeCarried()
                if let blocked {
                    request.done(.failure(.notPrinted(blocked)))
                    continue
                }
                if let reason = printOut(ticket, waitingAhead: ahead, by: request.deadline) {
                    request.done(.failure(.notPrinted(reason)))
                } else {
                    request.done(engine.performBlocking(batch: [.markReprinted(display: ticket.display)])[0])
                }
            }
        }
        if let blocked {
            storeCarried()
            issueWithoutPrinting(issues, reason: blocked)
            return
        }
        guard !issues.isEmpty else { return }
        // One wait for the disk for all of them (and the last batch's outcomes), then each one's bytes.
        let carried = printerThread.carried
        printerThread.carried = nil
        let outcomes = carried?.outcomes.map(record) ?? []
        let results = engine.performBlocking(batch: outcomes + issues.map(reservation))
        carried?.answer(Array(results.prefix(outcomes.count)), policy: policy, logger: logger)
        let reserved = Array(results.dropFirst(outcomes.count))
        var sent = SentBatch(requests: issues, reserved: reserved, outcomes: [])
        for (index, result) in reserved.enumerated() {
            guard case .success(let events) = result, case .ticketIssued(let ticket, let ahead)? = events.last?.kind else { continue }
            sent.outcomes.append(
                Outcome(index: index, ticket: ticket, failure: printOut(ticket, waitingAhead: ahead, by: issues[index].deadline)))
        }
        finish(sent)
    }

    /// Stores a carried batch's outcomes on their own, when no reservation comes to take them.
    private func storeCarried() {
        guard let carried = printerThread.carried else { return }
        printerThread.carried = nil
        store(carried)
    }

    /// What became of a reserved ticket: the request it answers, and why it did not print.
    struct Outcome: Sendable {
        var index: Int
        var ticket: Ticket
        var failure: String?
    }

    /// Tickets reserved and sent to the printer (or not: each outcome says), whose outcomes are
    /// to be stored and requests answered.
    struct SentBatch: Sendable {
        var requests: [Request]
        var reserved: [Result<[QueueEvent], CommandError>]
        var outcomes: [Outcome]

        /// Answers each request, once its outcome's storing gave `recorded`.
        func answer(_ recorded: [Result<[QueueEvent], CommandError>], policy: PrintFailurePolicy, logger: Logger) {
            var after: [Int: [QueueEvent]] = [:]
            var failures: [Int: String] = [:]
            for (outcome, result) in zip(outcomes, recorded) {
                failures[outcome.index] = outcome.failure
                switch result {
                case .success(let events): after[outcome.index] = events
                case .failure(let error):
                    logger.error(
                        "print outcome not stored: the ticket will show as print unknown after a restart",
                        metadata: ["ticket.number": "\(outcome.ticket.display)", "error": "\(error)"])
                }
            }
            for (index, request) in requests.enumerated() {
                switch reserved[index] {
                case .failure(let error): request.done(.failure(error))
                case .success(let events):
                    // `refuse`: a ticket that did not print is not issued, as far as the citizen is told.
                    if policy == .refuse, let failure = failures[index] {
                        request.done(.failure(.notPrinted(failure)))
                    } else {
                        request.done(.success(events + (after[index] ?? [])))
                    }
                }
            }
        }
    }

    private func reservation(_ request: Request) -> QueueCommand {
        guard case .issue(let service, let priority) = request.kind else { preconditionFailure("only tickets are reserved") }
        return .reserveTicket(service: service, priority: priority)
    }

    private func record(_ outcome: Outcome) -> QueueCommand {
        let result: PrintOutcome
        if let failure = outcome.failure {
            result = policy == .refuse ? .failedVoided(reason: failure) : .failedKept(reason: failure)
        } else {
            result = .printed
        }
        return .recordPrint(ticket: outcome.ticket.id, display: outcome.ticket.display, outcome: result)
    }

    /// The printer cannot print these: `refuse` uses no number; `issue-and-flag` issues them
    /// flagged for a reprint (the citizens are in the queue).
    private func issueWithoutPrinting(_ requests: [Request], reason: String) {
        guard !requests.isEmpty else { return }
        logger.error(
            "ticket not printed", metadata: ["device.path": "\(printer.path)", "reason": "\(reason)", "tickets": "\(requests.count)"])
        guard policy == .issueAndFlag else {
            for request in requests { request.done(.failure(.notPrinted(reason))) }
            return
        }
        let reserved = engine.performBlocking(batch: requests.map(reservation))
        let outcomes = reserved.enumerated().compactMap { index, result -> Outcome? in
            guard case .success(let events) = result, case .ticketIssued(let ticket, _)? = events.last?.kind else { return nil }
            return Outcome(index: index, ticket: ticket, failure: reason)
        }
        store(SentBatch(requests: requests, reserved: reserved, outcomes: outcomes))
    }

    /// A sent batch's outcomes: with the next batch's reservation when more tickets are
    /// already asked for (one commit for both), else now, without waiting for the disk (a
    /// power cut that loses them leaves "print unknown", which the next start reports).
    private func finish(_ sent: SentBatch) {
        if pending.isEmpty { store(sent) } else { printerThread.carried = sent }
    }

    /// Stores the outcomes while the printer goes on (the engine stores them before anything
    /// asked for later), then answers the requests.
    private func store(_ sent: SentBatch) {
        let policy = self.policy
        let logger = self.logger
        guard !sent.outcomes.isEmpty else { return sent.answer([], policy: policy, logger: logger) }
        engine.performLater(batch: sent.outcomes.map(record), durable: false) { sent.answer($0, policy: policy, logger: logger) }
    }

    /// Why the printer cannot print now, where it answers status queries; nil if nothing
    /// known stops it. A failed exchange is a reason too.
    private func blockingReason(by deadline: Deadline, fresh: Bool = true) -> String? {
        guard renderer.profile.answersStatus else { return nil }
        if fresh, let good = printerThread.lastGood, ContinuousClock.now - good < Self.statusFresh { return nil }
        do throws(DeviceError) {
            let status = try printer.status(by: deadline)
            report(status)
            printerThread.lastGood = status.blockingReason == nil && status.answered ? .now : nil
            return status.blockingReason
        } catch {
            printerThread.lastGood = nil
            let reason = describe(error)
            health.set("printer", path: printer.path, .unavailable, detail: reason)
            return reason
        }
    }

    /// Puts one ticket on paper before the deadline (plus the bytes' time on a slow serial
    /// line); nil when done, otherwise why not.
    private func printOut(_ ticket: Ticket, waitingAhead: Int, by deadline: Deadline) -> String? {
        let name = engine.rules.service(ticket.service)?.name ?? ticket.service.rawValue
        var meta: Logger.Metadata = ["ticket.number": "\(ticket.display)", "device.path": "\(printer.path)"]
        let bytes = renderer.render(ticket, serviceName: name, waitingAhead: waitingAhead)
        do throws(DeviceError) {
            try printer.send(bytes, by: Deadline(deadline.instant + printer.transmissionTime(bytes: bytes.count)))
        } catch {
            let reason = describe(error)
            meta["error"] = "\(error)"
            logger.error("ticket not printed", metadata: meta)
            health.set("printer", path: printer.path, .unavailable, detail: reason)
            printerThread.lastGood = nil
            return reason
        }
        meta["bytes"] = "\(bytes.count)"
        logger.info("ticket printed", metadata: meta)
        // It took the bytes; whether they are on paper only a printer that answers can say.
        if !renderer.profile.answersStatus { health.set("printer", path: printer.path, .unknown, detail: Self.stateNotKnown) }
        return nil
    }

    /// What the officer and the kiosk page read about a printer failure.
    private func describe(_ error: DeviceError) -> String {
        if error.deviceVanished { return "không tìm thấy máy in (\(error))" }
        if error.errno == ETIMEDOUT {
            return "máy in không nhận dữ liệu trong \(Int(deadline.components.seconds)) giây (printer stalled: \(error))"
        }
        return "\(error)"
    }

    private func report(_ status: PrinterStatus) {
        if let reason = status.blockingReason {
            health.set("printer", path: printer.path, .unavailable, detail: reason)
        } else if status.paperNearEnd == true {
            logger.warning("printer paper near end", metadata: ["device.path": "\(printer.path)"])
            health.set("printer", path: printer.path, .ok, detail: "sắp hết giấy (paper near end)")
        } else {
            if status.answered {
                health.set("printer", path: printer.path, .ok)
            } else {
                health.set("printer", path: printer.path, .unknown, detail: Self.stateNotKnown)
            }
        }
    }

    /// Between tickets, the printer's state for the log and `/health`, every `statusInterval`.
    public func run() async throws {
        guard renderer.profile.answersStatus else {
            health.set("printer", path: printer.path, .unknown, detail: Self.stateNotKnown)
            ready.ready()
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let issuer = self
                _ = await io.run { issuer.blockingReason(by: .after(.seconds(2)), fresh: false) }
                ready.ready()
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
    /// Tickets asked for and not issued, by reason (for `/metrics`).
    public let refusals = RefusalTally()
    /// Key presses the debounce or the kiosk's limit dropped, by keypad and reason (for `/metrics`).
    public let droppedPresses = DroppedPresses()

    public init(engine: QueueEngine, issuer: TicketIssuer?) {
        self.engine = engine
        self.issuer = issuer
    }

    /// `pressedAt`: when the button behind the command was pressed, if known. `actor`: the
    /// account behind a request from the pages (the audit log's "who").
    @discardableResult
    public func perform(
        _ command: QueueCommand, pressedAt: ContinuousClock.Instant = .now,
        actor: OfficerID? = nil
    ) async throws(CommandError) -> [QueueEvent] {
        switch command {
        case .issueTicket(let service, let priority):
            if let issuer {
                do throws(CommandError) {
                    return try await issuer.issue(service: service, priority: priority, pressedAt: pressedAt)
                } catch {
                    refusals.count(error)
                    throw error
                }
            }
        case .markReprinted(let display):
            if let issuer { return try await issuer.reprint(display) }
        default:
            break
        }
        return try await engine.perform(command, actor: actor)
    }

    /// The same without waiting, for a keypad's own thread: `done` hears the outcome on the
    /// printer's or the engine's thread. Tickets go to the printer, everything else to the engine.
    public func submit(
        _ command: QueueCommand, pressedAt: ContinuousClock.Instant = .now,
        done: @escaping @Sendable (Result<[QueueEvent], CommandError>) -> Void
    ) {
        if case .issueTicket(let service, let priority) = command, let issuer {
            let refusals = self.refusals
            issuer.issue(service: service, priority: priority, pressedAt: pressedAt) { result in
                if case .failure(let error) = result { refusals.count(error) }
                done(result)
            }
            return
        }
        if case .markReprinted = command, issuer != nil {
            let router = self
            Task {
                do throws(CommandError) { done(.success(try await router.perform(command))) } catch { done(.failure(error)) }
            }
            return
        }
        engine.performLater(batch: [command]) { done($0[0]) }
    }
}

/// Key presses that never became a command: bounces of one press, and a kiosk button pressed
/// more often than its limit.
public final class DroppedPresses: Sendable {
    public enum Reason: String, Sendable { case bounce, rateLimit }
    public struct Key: Hashable, Sendable {
        public let keypad: String
        public let reason: Reason
    }

    private let counts = Mutex<[Key: Int]>([:])

    public init() {}

    public func count(keypad: String, _ reason: Reason) { counts.withLock { $0[Key(keypad: keypad, reason: reason), default: 0] += 1 } }

    public var all: [Key: Int] { counts.withLock { $0 } }
}

/// Counts tickets refused, by reason: `printer`, `store`, `rules`, or what a caller reports
/// (`rateLimit` for the touch kiosk's limit).
public final class RefusalTally: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    public func count(_ error: CommandError) {
        switch error {
        case .notPrinted: count("printer")
        case .notStored: count("store")
        case .rejected, .unknownOfficer: count("rules")
        }
    }

    public func count(_ reason: String) { counts.withLock { $0[reason, default: 0] += 1 } }

    public var all: [String: Int] { counts.withLock { $0 } }
}
