import Foundation

/// Something that happened in the hall. Events are immutable: the state is their fold, the
/// store keeps them all, and every output (printer, displays, voice) follows them.
public struct QueueEvent: Hashable, Codable, Sendable {
    public let at: Date
    public let kind: Kind

    public init(at: Date, _ kind: Kind) {
        self.at = at
        self.kind = kind
    }

    public enum TransferTarget: Hashable, Codable, Sendable {
        case service(ServiceCode)
        case counter(CounterNumber)
    }

    public enum Kind: Hashable, Codable, Sendable {
        /// A new day began: numbering restarts, yesterday's open tickets are expired first.
        case dayStarted(day: LocalDay)
        /// `waitingAhead` is how many tickets of that service were waiting when it was issued.
        case ticketIssued(ticket: Ticket, waitingAhead: Int)
        case ticketCalled(ticket: TicketID, display: String, counter: CounterNumber, officer: OfficerID)
        case ticketRecalled(ticket: TicketID, display: String, counter: CounterNumber, recalls: Int)
        case ticketFinished(ticket: TicketID, counter: CounterNumber, outcome: ServiceOutcome)
        case ticketNoShow(ticket: TicketID, counter: CounterNumber)
        case ticketTransferred(ticket: TicketID, from: CounterNumber, to: TransferTarget)
        case ticketHeld(ticket: TicketID, counter: CounterNumber)
        case ticketReturned(ticket: TicketID, display: String, counter: CounterNumber)
        case ticketExpired(ticket: TicketID)
        case officerSignedIn(officer: OfficerID, counter: CounterNumber)
        case officerSignedOut(officer: OfficerID, counter: CounterNumber)
        case ratingRecorded(rating: Rating)
        /// The printer failed on an issued ticket (policy "issue and flag"): staff must reprint it.
        case ticketPrintFailed(ticket: TicketID, display: String, reason: String)
        case ticketReprinted(ticket: TicketID, display: String)
    }

    /// The ticket this event is about, if any.
    public var ticketID: TicketID? {
        switch kind {
        case .ticketIssued(let t, _): t.id
        case .ticketCalled(let id, _, _, _), .ticketRecalled(let id, _, _, _), .ticketFinished(let id, _, _),
             .ticketNoShow(let id, _), .ticketTransferred(let id, _, _), .ticketHeld(let id, _),
             .ticketReturned(let id, _, _), .ticketExpired(let id), .ticketPrintFailed(let id, _, _), .ticketReprinted(let id, _):
            id
        case .ratingRecorded(let r): r.ticket
        case .dayStarted, .officerSignedIn, .officerSignedOut: nil
        }
    }

    /// A stable lower-case name, used as the stored kind and in logs.
    public var name: String {
        switch kind {
        case .dayStarted: "dayStarted"
        case .ticketIssued: "ticketIssued"
        case .ticketCalled: "ticketCalled"
        case .ticketRecalled: "ticketRecalled"
        case .ticketFinished: "ticketFinished"
        case .ticketNoShow: "ticketNoShow"
        case .ticketTransferred: "ticketTransferred"
        case .ticketHeld: "ticketHeld"
        case .ticketReturned: "ticketReturned"
        case .ticketExpired: "ticketExpired"
        case .officerSignedIn: "officerSignedIn"
        case .officerSignedOut: "officerSignedOut"
        case .ratingRecorded: "ratingRecorded"
        case .ticketPrintFailed: "ticketPrintFailed"
        case .ticketReprinted: "ticketReprinted"
        }
    }
}

/// What a person asks of the queue: a kiosk button, an officer's key, a rating key.
public enum QueueCommand: Hashable, Sendable {
    case issueTicket(service: ServiceCode, priority: Bool)
    case callNext(counter: CounterNumber)
    /// Call a given waiting number ("A015"), whatever the counter's services.
    case callNumber(counter: CounterNumber, display: String)
    case recall(counter: CounterNumber)
    case noShow(counter: CounterNumber)
    case transfer(counter: CounterNumber, to: QueueEvent.TransferTarget)
    case hold(counter: CounterNumber)
    /// Bring back a held ticket; nil takes the one held longest.
    case returnHeld(counter: CounterNumber, display: String?)
    case finish(counter: CounterNumber, outcome: ServiceOutcome)
    case signIn(counter: CounterNumber, officer: OfficerID)
    case signOut(counter: CounterNumber)
    /// A rating key pressed at a counter; level 1 is the best.
    case rate(counter: CounterNumber, level: Int)
    /// Nothing but the passing of time: starts a new day when midnight has passed.
    case tick
    /// The printer failed on today's latest ticket with this number.
    case markUnprinted(display: String, reason: String)
    /// Today's latest ticket with this number was printed again.
    case markReprinted(display: String)
}

/// Why a command was refused. The state is unchanged when a command is refused.
public enum QueueRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownService(ServiceCode)
    case unknownCounter(CounterNumber)
    case noOfficerSignedIn(CounterNumber)
    case nothingWaiting(CounterNumber)
    case noSuchWaitingNumber(String)
    case noCurrentTicket(CounterNumber)
    case counterBusy(CounterNumber, current: String)
    case recallLimitReached(String, limit: Int)
    case nothingHeld(CounterNumber)
    case transferToSameService(ServiceCode)
    case ratingLevelOutOfScale(Int, scaleSize: Int)
    case noSuchTicketToday(String)

    public var description: String {
        switch self {
        case .unknownService(let s): "no service with code \(s)"
        case .unknownCounter(let c): "no counter \(c)"
        case .noOfficerSignedIn(let c): "no officer is signed in at counter \(c)"
        case .nothingWaiting(let c): "no ticket is waiting for counter \(c)"
        case .noSuchWaitingNumber(let n): "no waiting ticket has the number \(n)"
        case .noCurrentTicket(let c): "counter \(c) is not serving a ticket"
        case .counterBusy(let c, let current): "counter \(c) is still serving \(current): finish or hold it first"
        case .recallLimitReached(let n, let limit): "\(n) was already called again \(limit) times"
        case .nothingHeld(let c): "counter \(c) holds no ticket with that number"
        case .transferToSameService(let s): "the ticket already belongs to service \(s)"
        case .ratingLevelOutOfScale(let l, let size): "rating level \(l) is outside the scale 1–\(size)"
        case .noSuchTicketToday(let n): "no ticket \(n) was issued today"
        }
    }
}
