import Foundation

/// What a counter is doing right now.
public struct CounterState: Hashable, Sendable {
    public var officer: OfficerID?
    /// The ticket being served.
    public var current: TicketID?
    /// When `current` was called (or brought back) to this counter.
    public var currentSince: Date?
    /// Tickets set aside, oldest first.
    public var held: [TicketID] = []
    /// Normal tickets called since the last priority one (for the interleave policy).
    public var normalCallsSincePriority = 0
    /// The last ticket finished here: a rating press may still link to it.
    public var lastFinished: TicketID?
    /// Rating presses here within the burst window, oldest first.
    public var recentPresses: [Date] = []
    /// When a counted press here asked for a reason (and for which ticket): the next press
    /// within the reasons' time is the reason.
    public var reasonAsked: Date?
    public var reasonTicket: TicketID?

    public init() {}
}

/// A call shown on the displays: the number and the counter that actually called it.
public struct RecentCall: Hashable, Codable, Sendable {
    public var ticket: TicketID
    public var display: String
    public var counter: CounterNumber
    public var service: ServiceCode
    public var at: Date
    public var recall: Bool
}

/// The queue of one centre as a pure value: `handle` decides which events a command causes,
/// `apply` folds an event in. Replaying the stored events through `apply` rebuilds the state
/// exactly, which is how the daemon restarts.
public struct QueueState: Hashable, Sendable {
    public let rules: QueueRules
    public internal(set) var day: LocalDay?
    /// The current day's tickets, by id.
    public internal(set) var tickets: [TicketID: Ticket] = [:]
    /// Waiting tickets in calling order (a transferred ticket goes to the front).
    public internal(set) var waiting: [TicketID] = []
    /// How many of `waiting` wait in each service's own queue (not sent to a given counter):
    /// "people ahead" on a ticket, without a look at every waiting ticket per press.
    public internal(set) var waitingInServiceQueue: [ServiceCode: Int] = [:]
    public internal(set) var counters: [CounterNumber: CounterState] = [:]
    public internal(set) var lastSequence: [ServiceCode: Int] = [:]
    /// The number the day's last ticket of each service got: the next one follows it.
    public internal(set) var lastNumber: [ServiceCode: Int] = [:]
    public internal(set) var nextTicketID: TicketID
    /// Newest first.
    public internal(set) var recentCalls: [RecentCall] = []
    /// Today's latest service times (call to finish, in seconds) of each service, oldest
    /// first, at most `WaitEstimate.history`: what a wait estimate is made from.
    public internal(set) var recentServiceSeconds: [ServiceCode: [TimeInterval]] = [:]

    public init(rules: QueueRules, nextTicketID: TicketID = TicketID(1)) {
        self.rules = rules
        self.nextTicketID = nextTicketID
        for counter in rules.counters { counters[counter.number] = CounterState() }
    }

    /// Rebuilds the state from stored events, oldest first.
    public init(rules: QueueRules, nextTicketID: TicketID, replaying events: [QueueEvent]) {
        self.init(rules: rules, nextTicketID: nextTicketID)
        for event in events { apply(event) }
    }

    // MARK: Deciding

    /// The events `command` causes at `now`, already applied to the state; or why it is refused,
    /// with the state unchanged. A command on a new local day first closes the previous one.
    public mutating func handle(
        _ command: QueueCommand, at now: Date,
        resuming: (LocalDay) -> [NumberingPosition] = { _ in [] }
    ) -> Result<[QueueEvent], QueueRejection> {
        let result = decide(command, at: now, resuming: resuming)
        if case .success(let events) = result {
            for event in events { apply(event) }
        }
        return result
    }

    /// The events `command` would cause at `now`, without changing anything: the engine stores
    /// them first, then applies them in place (no copy of the day's tickets per command).
    /// `resuming`: where each service's numbering stopped on a day, if it was used before (the
    /// clock was set back to it); asked only when the day changes (the engine reads the store).
    public func decide(
        _ command: QueueCommand, at now: Date,
        resuming: (LocalDay) -> [NumberingPosition] = { _ in [] }
    ) -> Result<[QueueEvent], QueueRejection> {
        let rollover = dayRollover(at: now, resuming: resuming)
        var base = self
        if !rollover.isEmpty {
            for event in rollover { base.apply(event) }  // once a day: the copy does not matter
        }
        do {
            // Each command's events are decided against one state, then applied in order.
            return .success(rollover + (try base.decideKinds(command, at: now)).map { QueueEvent(at: now, $0) })
        } catch {
            return .failure(error)
        }
    }

    /// A new day starts when the calendar day differs from the state's, forward (midnight) or
    /// back (a clock that ran ahead, corrected).
    private func dayRollover(at now: Date, resuming: (LocalDay) -> [NumberingPosition]) -> [QueueEvent] {
        let today = LocalDay(now, in: rules.timeZone)
        if let day, today == day { return [] }
        let resumed = resuming(today)
        var kinds: [QueueEvent.Kind] = []
        for ticket in tickets.values.sorted(by: { $0.id < $1.id }) where ticket.status.isOpen {
            kinds.append(.ticketExpired(ticket: ticket.id))
        }
        // Sessions end with the day, so tomorrow's ratings never go to last night's sign-in.
        for (number, counter) in counters.sorted(by: { $0.key < $1.key }) {
            if let officer = counter.officer { kinds.append(.officerSignedOut(officer: officer, counter: number)) }
        }
        kinds.append(.dayStarted(day: today, resumed: resumed.isEmpty ? nil : resumed))
        return kinds.map { QueueEvent(at: now, $0) }
    }

    private func decideKinds(_ command: QueueCommand, at now: Date) throws(QueueRejection) -> [QueueEvent.Kind] {
        switch command {
        case .tick:
            return []

        case .issueTicket(let code, let priority):
            return [try issue(code, priority: priority, print: .noPrinter, at: now)]

        case .reserveTicket(let code, let priority):
            return [try issue(code, priority: priority, print: .pending, at: now)]

        case .recordPrint(let id, let display, let outcome):
            // Around midnight the ticket may already belong to yesterday: the store still gets its outcome.
            let ticket = tickets[id]
            switch outcome {
            case .printed:
                return ticket?.print == .printed ? [] : [.ticketPrinted(ticket: id, display: display)]
            case .failedKept(let reason):
                return [.ticketPrintFailed(ticket: id, display: display, reason: reason)]
            case .failedVoided(let reason):
                if let ticket, ticket.status != .waiting { return [] }
                return [.ticketVoided(ticket: id, display: display, reason: reason)]
            }

        case .markPrintUnknown(let id, let display):
            return [.ticketPrintUnknown(ticket: id, display: display)]

        case .void(let display, let reason):
            let ticket = try named(display)
            guard ticket.status == .waiting else { throw .notWaiting(ticket.display, status: ticket.status) }
            return [.ticketVoided(ticket: ticket.id, display: ticket.display, reason: reason)]

        case .callNext(let c):
            let (counter, officer) = try signedIn(c)
            var kinds = finishCurrent(counter, at: c)
            guard let next = nextTicket(for: c) else {
                if kinds.isEmpty { throw .nothingWaiting(c) }
                return kinds
            }
            kinds.append(.ticketCalled(ticket: next.id, display: next.display, counter: c, officer: officer))
            return kinds

        case .callNumber(let c, let display):
            let (counter, officer) = try signedIn(c)
            let wanted = display.uppercased()
            let matching = waiting.compactMap { self.tickets[$0] }.filter { $0.display.uppercased() == wanted }
            guard let ticket = matching.first else { throw .noSuchWaitingNumber(display) }
            guard matching.count == 1 else { throw .ambiguousNumber(ticket.display, count: matching.count) }
            guard ticket.print != .pending else { throw .stillPrinting(ticket.display) }
            return finishCurrent(counter, at: c)
                + [.ticketCalled(ticket: ticket.id, display: ticket.display, counter: c, officer: officer)]

        case .recall(let c):
            let ticket = try current(at: c)
            guard ticket.recalls < rules.recallLimit else { throw .recallLimitReached(ticket.display, limit: rules.recallLimit) }
            return [.ticketRecalled(ticket: ticket.id, display: ticket.display, counter: c, recalls: ticket.recalls + 1)]

        case .noShow(let c):
            return [.ticketNoShow(ticket: try current(at: c).id, counter: c)]

        case .finish(let c, let outcome):
            return [.ticketFinished(ticket: try current(at: c).id, counter: c, outcome: outcome)]

        case .hold(let c):
            return [.ticketHeld(ticket: try current(at: c).id, counter: c)]

        case .transfer(let c, let target):
            let ticket = try current(at: c)
            switch target {
            case .service(let code):
                guard rules.service(code) != nil else { throw .unknownService(code) }
                guard code != ticket.queueService else { throw .transferToSameService(code) }
            case .counter(let other):
                guard rules.counter(other) != nil, other != c else { throw .unknownCounter(other) }
            }
            return [.ticketTransferred(ticket: ticket.id, from: c, to: target)]

        case .returnHeld(let c, let display):
            let (counter, _) = try signedIn(c)
            if let current = counter.current, let ticket = tickets[current] { throw .counterBusy(c, current: ticket.display) }
            let held = counter.held.compactMap { tickets[$0] }
            guard let ticket = display.map({ d in held.first { $0.display.uppercased() == d.uppercased() } }) ?? held.first
            else { throw .nothingHeld(c) }
            return [.ticketReturned(ticket: ticket.id, display: ticket.display, counter: c)]

        case .signIn(let c, let officer, let takeOver):
            guard let counter = counters[c], rules.counter(c) != nil else { throw .unknownCounter(c) }
            if counter.officer == officer { return [] }
            if let other = counter.officer, !takeOver { throw .counterOccupied(c, by: other) }
            var kinds: [QueueEvent.Kind] = []
            if let other = counter.officer { kinds.append(.officerSignedOut(officer: other, counter: c)) }
            // One officer, one counter: signing in here ends a session elsewhere.
            for (number, state) in counters.sorted(by: { $0.key < $1.key }) where number != c && state.officer == officer {
                kinds.append(.officerSignedOut(officer: officer, counter: number))
            }
            return kinds + [.officerSignedIn(officer: officer, counter: c)]

        case .signOut(let c):
            guard let counter = counters[c], rules.counter(c) != nil else { throw .unknownCounter(c) }
            guard let officer = counter.officer else { throw .noOfficerSignedIn(c) }
            return [.officerSignedOut(officer: officer, counter: c)]

        case .markReprinted(let display):
            let ticket = try named(display)
            guard ticket.status != .voided else { throw .voided(ticket.display) }
            return [.ticketReprinted(ticket: ticket.id, display: ticket.display)]

        case .linkDossier(let c, let code):
            let ticket = try current(at: c)
            return [.dossierLinked(ticket: ticket.id, display: ticket.display, counter: c, code: code)]

        case .rate(let c, let level):
            guard let counter = counters[c], rules.counter(c) != nil else { throw .unknownCounter(c) }
            // The keypad asked why: a key with a reason's number is that reason, not a vote.
            if let reasons = rules.ratingReasons, let asked = counter.reasonAsked, now.timeIntervalSince(asked) <= reasons.seconds,
                let label = reasons.label(level)
            {
                return [.ratingReasonGiven(counter: c, ticket: counter.reasonTicket, reason: level, label: label)]
            }
            guard let chosen = rules.ratingScale.level(level) else {
                throw .ratingLevelOutOfScale(level, scaleSize: rules.ratingScale.count)
            }
            return [.ratingRecorded(rating: link(level: level, chosen: chosen, at: c, counter: counter, now: now))]
        }
    }

    private func issue(_ code: ServiceCode, priority: Bool, print: PrintState, at now: Date) throws(QueueRejection) -> QueueEvent.Kind {
        guard let service = rules.service(code) else { throw .unknownService(code) }
        let sequence = (lastSequence[code] ?? 0) + 1
        let number = try nextNumber(service, sequence: sequence)
        let ticket = Ticket(
            id: nextTicketID, day: day!, service: code, sequence: sequence, number: number,
            display: service.display(number: number), priority: priority, issuedAt: now, print: print)
        let ahead = waitingInServiceQueue[code] ?? 0
        var estimated = ticket
        estimated.estimatedWait = WaitEstimate.seconds(for: code, ahead: ahead, in: self)
        return .ticketIssued(ticket: estimated, waitingAhead: ahead)
    }

    /// The number after the service's last one today, wrapping after `lastNumber`. Once the
    /// range has wrapped, a number still held by a citizen in the queue (waiting, called,
    /// held, or its paper in doubt) is skipped: no two live tickets ever share a number. When
    /// every number is held, the ticket is refused.
    private func nextNumber(_ service: ServiceDefinition, sequence: Int) throws(QueueRejection) -> Int {
        let range = service.firstNumber...service.lastNumber
        guard let previous = lastNumber[service.code] ?? lastSequence[service.code].map(service.number(forSequence:)) else {
            return service.firstNumber
        }
        let following = range.contains(previous) && previous < service.lastNumber ? previous + 1 : service.firstNumber
        // Before the first wrap of the day every number ahead is fresh: no need to look.
        if sequence <= service.rangeSize && range.contains(previous) && following > previous { return following }
        let live = Set(tickets.values.lazy.filter { $0.service == service.code && $0.status.isOpen }.map(\.number))
        for step in 0..<service.rangeSize {
            let candidate = service.firstNumber + (following - service.firstNumber + step) % service.rangeSize
            if !live.contains(candidate) { return candidate }
        }
        throw .numbersExhausted(
            service.code, range: "\(service.display(number: service.firstNumber))–\(service.display(number: service.lastNumber))")
    }

    /// Today's ticket staff name by its number: the one still in the queue (no two live
    /// tickets share a number), else the only one of the day; refused when several match.
    public func named(_ display: String) throws(QueueRejection) -> Ticket {
        let wanted = display.uppercased()
        let all = tickets.values.filter { $0.display.uppercased() == wanted }
        let live = all.filter { $0.status.isOpen }
        let candidates = live.isEmpty ? all : live
        guard let ticket = candidates.first else { throw .noSuchTicketToday(display) }
        guard candidates.count == 1 else { throw .ambiguousNumber(ticket.display, count: candidates.count) }
        return ticket
    }

    /// Services whose every number is held by a citizen in the queue: their range is too small.
    public var exhaustedServices: [ServiceDefinition] {
        let live = Dictionary(grouping: tickets.values.filter { $0.status.isOpen }, by: \.service).mapValues(\.count)
        return rules.services.filter { (live[$0.code] ?? 0) >= $0.rangeSize }
    }

    private func signedIn(_ c: CounterNumber) throws(QueueRejection) -> (CounterState, OfficerID) {
        guard let counter = counters[c], rules.counter(c) != nil else { throw .unknownCounter(c) }
        guard let officer = counter.officer else { throw .noOfficerSignedIn(c) }
        return (counter, officer)
    }

    private func current(at c: CounterNumber) throws(QueueRejection) -> Ticket {
        guard let counter = counters[c], rules.counter(c) != nil else { throw .unknownCounter(c) }
        guard let id = counter.current, let ticket = tickets[id] else { throw .noCurrentTicket(c) }
        return ticket
    }

    /// "Next" and "call number" end the ticket being served as served, as officers expect.
    private func finishCurrent(_ counter: CounterState, at c: CounterNumber) -> [QueueEvent.Kind] {
        guard let id = counter.current else { return [] }
        return [.ticketFinished(ticket: id, counter: c, outcome: .served)]
    }

    /// Tickets transferred to this counter first; then the counter's services in their
    /// configured order, with priority tickets as the policy says. A ticket still at the
    /// printer waits: a number is never called before its citizen holds it.
    public func nextTicket(for c: CounterNumber) -> Ticket? {
        let open = waiting.compactMap { tickets[$0] }.filter { $0.print != .pending }
        if let direct = open.first(where: { $0.queueCounter == c }) { return direct }
        guard let definition = rules.counter(c) else { return nil }
        var firstNormal: Ticket?
        var firstPriority: Ticket?
        for code in definition.services {
            for ticket in open where ticket.queueService == code && ticket.queueCounter == nil {
                if ticket.priority { firstPriority = firstPriority ?? ticket } else { firstNormal = firstNormal ?? ticket }
            }
        }
        switch rules.priorityPolicy {
        case .strict:
            return firstPriority ?? firstNormal
        case .interleave(let normalCalls):
            let due = (counters[c]?.normalCallsSincePriority ?? 0) >= normalCalls
            if let firstPriority, due || firstNormal == nil { return firstPriority }
            return firstNormal
        }
    }

    /// Which citizen pressed: the one being served at the counter, or the one who finished
    /// there within the rating window. Right after "next" the citizen who just finished is
    /// still at the keypad and the one called is on the way: for `ratingHandover` seconds
    /// after a call the press belongs to the finished ticket, if there is one; after that,
    /// to the ticket being served. A press with neither is flagged unlinked; a second press
    /// for the same ticket is flagged already rated (or corrects the vote).
    private func link(level: Int, chosen: RatingLevel, at c: CounterNumber, counter: CounterState, now: Date) -> Rating {
        let serving = counter.current.flatMap { tickets[$0] }
        let finished = counter.lastFinished.flatMap { tickets[$0] }.flatMap { ticket in
            ticket.finishedAt.map { now.timeIntervalSince($0) <= rules.ratingWindow } == true ? ticket : nil
        }
        let seated = counter.currentSince.map { now.timeIntervalSince($0) >= rules.ratingHandover } ?? true
        let ticket: Ticket?
        if let finished, serving == nil || !seated { ticket = finished } else { ticket = serving }
        var flag: RatingFlag? = ticket.map { $0.rated ? .alreadyRated : nil } ?? .unlinked
        var replaces = false
        if flag == .alreadyRated, case .last(let correction) = rules.ratingVote,
            let ratedAt = ticket?.ratedAt, now.timeIntervalSince(ratedAt) <= correction
        {
            flag = nil
            replaces = true
        }
        if let burst = rules.ratingBurst,
            counter.recentPresses.filter({ now.timeIntervalSince($0) < burst.seconds }).count + 1 >= burst.presses
        {
            flag = .burst
            replaces = false
        }
        return Rating(
            counter: c, ticket: ticket?.id, ticketDisplay: ticket?.display, service: ticket?.service,
            officer: ticket?.officer ?? counter.officer, level: level, label: chosen.label,
            scaleSize: rules.ratingScale.count, satisfied: chosen.satisfied, flag: flag, replacesVote: replaces)
    }
}
