import Foundation

extension QueueState {
    /// Folds one event into the state. Used both live and when replaying stored events, so it
    /// never refuses anything: events are facts.
    public mutating func apply(_ event: QueueEvent) {
        let at = event.at
        switch event.kind {
        case .dayStarted(let newDay, let resumed):
            day = newDay
            tickets = [:]
            waiting = []
            waitingInServiceQueue = [:]
            lastSequence = [:]
            lastNumber = [:]
            for position in resumed ?? [] {
                lastSequence[position.service] = position.sequence
                lastNumber[position.service] = position.number
            }
            recentCalls = []
            recentServiceSeconds = [:]
            for number in counters.keys {
                let officer = counters[number]?.officer
                counters[number] = CounterState()
                counters[number]?.officer = officer
            }

        case .ticketIssued(let ticket, _):
            tickets[ticket.id] = ticket
            count(ticket, 1)
            waiting.append(ticket.id)
            lastSequence[ticket.service] = ticket.sequence
            lastNumber[ticket.service] = ticket.number
            if ticket.id >= nextTicketID { nextTicketID = TicketID(ticket.id.rawValue + 1) }

        case .ticketCalled(let id, _, let c, let officer):
            waiting.removeAll { $0 == id }
            update(id) {
                $0.status = .called
                $0.counter = c
                $0.officer = officer
                $0.calledAt = $0.calledAt ?? at
            }
            counters[c, default: CounterState()].current = id
            counters[c]?.currentSince = at
            if tickets[id]?.priority == true {
                counters[c]?.normalCallsSincePriority = 0
            } else {
                counters[c]?.normalCallsSincePriority += 1
            }
            announce(id, at: c, time: at, recall: false)

        case .ticketRecalled(let id, _, let c, let recalls):
            update(id) { $0.recalls = recalls }
            announce(id, at: c, time: at, recall: true)

        case .ticketFinished(let id, let c, let outcome):
            update(id) {
                $0.status = .finished
                $0.finishedAt = at
                $0.outcome = outcome
            }
            if let ticket = tickets[id], let called = ticket.calledAt {
                var times = recentServiceSeconds[ticket.queueService, default: []]
                times.append(at.timeIntervalSince(called))
                recentServiceSeconds[ticket.queueService] = Array(times.suffix(WaitEstimate.history))
            }
            release(id, from: c)
            counters[c]?.lastFinished = id

        case .ticketNoShow(let id, let c):
            update(id) {
                $0.status = .noShow
                $0.finishedAt = at
            }
            release(id, from: c)

        case .ticketTransferred(let id, let from, let target):
            update(id) {
                $0.status = .waiting
                switch target {
                case .service(let code):
                    $0.queueService = code
                    $0.queueCounter = nil
                case .counter(let c):
                    $0.queueCounter = c
                }
            }
            release(id, from: from)
            waiting.insert(id, at: 0)

        case .ticketHeld(let id, let c):
            update(id) { $0.status = .held }
            release(id, from: c)
            counters[c, default: CounterState()].held.append(id)

        case .ticketReturned(let id, _, let c):
            update(id) { $0.status = .called }
            counters[c, default: CounterState()].held.removeAll { $0 == id }
            counters[c]?.current = id
            counters[c]?.currentSince = at
            announce(id, at: c, time: at, recall: false)

        case .ticketExpired(let id):
            update(id) { $0.status = .expired }
            waiting.removeAll { $0 == id }
            for number in counters.keys {
                release(id, from: number)
                counters[number]?.held.removeAll { $0 == id }
            }

        case .officerSignedIn(let officer, let c):
            counters[c, default: CounterState()].officer = officer

        case .officerSignedOut(_, let c):
            counters[c]?.officer = nil

        case .ratingRecorded(let rating):
            if rating.flag == nil, let id = rating.ticket {
                update(id) {
                    $0.rated = true
                    $0.ratedAt = at
                }
            }
            if let burst = rules.ratingBurst {
                var presses = counters[rating.counter, default: CounterState()].recentPresses.filter {
                    at.timeIntervalSince($0) < burst.seconds
                }
                presses.append(at)
                counters[rating.counter]?.recentPresses = presses
            }
            // A counted press at a level that asks opens the question; any other press closes it.
            let asks = rules.asksReason(rating)
            counters[rating.counter, default: CounterState()].reasonAsked = asks ? at : nil
            counters[rating.counter]?.reasonTicket = asks ? rating.ticket : nil

        case .dossierLinked:
            break  // the dossier is the store's and the exports' business; the queue goes on as before

        case .ratingReasonGiven(let c, _, _, _):
            counters[c]?.reasonAsked = nil
            counters[c]?.reasonTicket = nil

        case .ticketPrinted(let id, _), .ticketReprinted(let id, _):
            update(id) { $0.print = .printed }

        case .ticketPrintFailed(let id, _, _):
            update(id) { $0.print = .failed }

        case .ticketPrintUnknown(let id, _):
            update(id) { $0.print = .unknown }

        case .ticketVoided(let id, _, _):
            update(id) {
                $0.status = .voided
                $0.print = .voided
            }
            waiting.removeAll { $0 == id }
        }
    }

    private mutating func update(_ id: TicketID, _ change: (inout Ticket) -> Void) {
        guard var ticket = tickets[id] else { return }
        count(ticket, -1)
        change(&ticket)
        count(ticket, 1)
        tickets[id] = ticket
    }

    /// Keeps `waitingInServiceQueue` (how many wait in each service's own queue) in step.
    private mutating func count(_ ticket: Ticket, _ change: Int) {
        guard ticket.status == .waiting, ticket.queueCounter == nil else { return }
        waitingInServiceQueue[ticket.queueService, default: 0] += change
    }

    private mutating func release(_ id: TicketID, from c: CounterNumber) {
        if counters[c]?.current == id {
            counters[c]?.current = nil
            counters[c]?.currentSince = nil
        }
    }

    private mutating func announce(_ id: TicketID, at c: CounterNumber, time: Date, recall: Bool) {
        guard let ticket = tickets[id] else { return }
        recentCalls.removeAll { $0.ticket == id }
        recentCalls.insert(
            RecentCall(
                ticket: id, display: ticket.display, counter: c, service: ticket.queueService,
                at: time, recall: recall), at: 0)
        if recentCalls.count > rules.recentCallsKept { recentCalls.removeLast(recentCalls.count - rules.recentCallsKept) }
    }
}

extension QueueState {
    /// Tickets waiting in a service's own queue.
    public func waitingCount(_ code: ServiceCode) -> Int {
        waiting.filter { tickets[$0]?.queueService == code }.count
    }

    public func currentTicket(at c: CounterNumber) -> Ticket? {
        counters[c]?.current.flatMap { tickets[$0] }
    }
}
