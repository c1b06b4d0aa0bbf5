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
        /// A new day began: numbering restarts, yesterday's open tickets are expired first. A
        /// day already used before (the clock was set back to it) goes on from where its
        /// numbering stopped (`resumed`), so no number is given twice in a day.
        case dayStarted(day: LocalDay, resumed: [NumberingPosition]? = nil)
        /// `waitingAhead` is how many tickets of that service were waiting when it was issued.
        /// With a printer the number is reserved here (`print` is `pending`), before a byte is printed.
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
        /// The reason given after a press that asked for one, for the counter's last rating.
        case ratingReasonGiven(counter: CounterNumber, ticket: TicketID?, reason: Int, label: String)
        /// The ticket being served at a counter belongs to this dossier (hồ sơ), as scanned from
        /// its receipt or typed: a ticket may carry several.
        case dossierLinked(ticket: TicketID, display: String, counter: CounterNumber, code: String)
        /// The reserved ticket is on paper.
        case ticketPrinted(ticket: TicketID, display: String)
        /// The printer failed on an issued ticket (policy "issue and flag"): staff must reprint it.
        case ticketPrintFailed(ticket: TicketID, display: String, reason: String)
        /// The ticket never reached its citizen (policy "refuse", or staff voided it): it leaves
        /// the queue, and its number is not given again that day.
        case ticketVoided(ticket: TicketID, display: String, reason: String)
        /// After a restart, a reservation had no outcome: printed or not, nobody knows.
        case ticketPrintUnknown(ticket: TicketID, display: String)
        case ticketReprinted(ticket: TicketID, display: String)
    }

    /// The ticket this event is about, if any.
    public var ticketID: TicketID? {
        switch kind {
        case .ticketIssued(let t, _): t.id
        case .ticketCalled(let id, _, _, _), .ticketRecalled(let id, _, _, _), .ticketFinished(let id, _, _),
            .ticketNoShow(let id, _), .ticketTransferred(let id, _, _), .ticketHeld(let id, _),
            .ticketReturned(let id, _, _), .ticketExpired(let id), .ticketPrintFailed(let id, _, _), .ticketReprinted(let id, _),
            .ticketPrinted(let id, _), .ticketVoided(let id, _, _), .ticketPrintUnknown(let id, _):
            id
        case .ratingRecorded(let r): r.ticket
        case .ratingReasonGiven(_, let ticket, _, _): ticket
        case .dossierLinked(let id, _, _, _): id
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
        case .ratingReasonGiven: "ratingReasonGiven"
        case .dossierLinked: "dossierLinked"
        case .ticketPrinted: "ticketPrinted"
        case .ticketPrintFailed: "ticketPrintFailed"
        case .ticketVoided: "ticketVoided"
        case .ticketPrintUnknown: "ticketPrintUnknown"
        case .ticketReprinted: "ticketReprinted"
        }
    }
}

/// Where a service's numbering stood on a day: its last ticket's place in the day and number.
public struct NumberingPosition: Hashable, Codable, Sendable {
    public var service: ServiceCode
    public var sequence: Int
    public var number: Int

    public init(service: ServiceCode, sequence: Int, number: Int) {
        self.service = service
        self.sequence = sequence
        self.number = number
    }
}

/// What a person asks of the queue: a kiosk button, an officer's key, a rating key.
public enum QueueCommand: Hashable, Sendable {
    /// A number shown without paper (no printer is configured).
    case issueTicket(service: ServiceCode, priority: Bool)
    /// A number for a ticket about to be printed: stored before the printer gets a byte, and
    /// not called until the printer's outcome is recorded.
    case reserveTicket(service: ServiceCode, priority: Bool)
    /// What the printer did with a reserved ticket.
    case recordPrint(ticket: TicketID, display: String, outcome: PrintOutcome)
    /// A reservation found without an outcome when the daemon started.
    case markPrintUnknown(ticket: TicketID, display: String)
    /// Staff take today's waiting ticket with this number out of the queue (nobody holds it).
    case void(display: String, reason: String)
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
    /// `takeOver: false` (an officer at the pages): refused while another officer is signed
    /// in there, who must sign out first (or a leader, an admin, or the box's own console).
    case signIn(counter: CounterNumber, officer: OfficerID, takeOver: Bool = true)
    case signOut(counter: CounterNumber)
    /// A rating key pressed at a counter; level 1 is the best.
    case rate(counter: CounterNumber, level: Int)
    /// A dossier's code, scanned or typed at a counter, for the ticket being served there.
    case linkDossier(counter: CounterNumber, code: String)
    /// Nothing but the passing of time: starts a new day when midnight has passed.
    case tick
    /// Today's latest ticket with this number was printed again.
    case markReprinted(display: String)
}

/// How a reserved ticket's printing ended.
public enum PrintOutcome: Hashable, Sendable {
    case printed
    /// The ticket stays in the queue, flagged for a reprint (policy "issue and flag").
    case failedKept(reason: String)
    /// The ticket leaves the queue: nobody holds it (policy "refuse").
    case failedVoided(reason: String)
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
    case stillPrinting(String)
    case notWaiting(String, status: TicketStatus)
    case voided(String)
    /// Every number of the service's range is held by a citizen still in the queue today.
    case numbersExhausted(ServiceCode, range: String)
    /// Several of today's tickets carry this number (they came before numbers were kept
    /// unique among live tickets): the command would have to guess which.
    case ambiguousNumber(String, count: Int)
    /// Another officer is signed in at the counter.
    case counterOccupied(CounterNumber, by: OfficerID)

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
        case .stillPrinting(let n): "\(n) is still being printed"
        case .notWaiting(let n, let status): "\(n) is not waiting (it is \(status.rawValue)): only a waiting ticket can be voided"
        case .voided(let n): "\(n) was voided: it is no longer in the queue"
        case .numbersExhausted(let s, let range):
            "every number of service \(s) (\(range)) is held by a citizen still in the queue: the range is too small, raise last_number"
        case .ambiguousNumber(let n, let count): "\(count) of today's tickets are numbered \(n): name the ticket another way"
        case .counterOccupied(let c, let other): "\(other) is signed in at counter \(c): they sign out first (or an admin signs them out)"
        }
    }
}

extension QueueRejection {
    /// The same, as an officer's page says it.
    public var vietnamese: String {
        switch self {
        case .unknownService(let s): "không có dịch vụ mã \(s)"
        case .unknownCounter(let c): "không có quầy số \(c)"
        case .noOfficerSignedIn(let c): "chưa có cán bộ ngồi quầy số \(c)"
        case .nothingWaiting: "không còn ai chờ dịch vụ của quầy này"
        case .noSuchWaitingNumber(let n): "không có số \(n) đang chờ"
        case .noCurrentTicket: "quầy chưa phục vụ số nào"
        case .counterBusy(_, let current): "quầy đang phục vụ số \(current): hãy hoàn thành hoặc tạm giữ trước"
        case .recallLimitReached(let n, let limit): "số \(n) đã được gọi lại \(limit) lần"
        case .nothingHeld: "quầy không giữ số nào như vậy"
        case .transferToSameService(let s): "số này đã thuộc dịch vụ \(s)"
        case .ratingLevelOutOfScale(let l, let size): "mức đánh giá \(l) ngoài thang 1–\(size)"
        case .noSuchTicketToday(let n): "hôm nay chưa phát số \(n)"
        case .stillPrinting(let n): "số \(n) đang được in"
        case .notWaiting(let n, _): "số \(n) không còn chờ"
        case .voided(let n): "số \(n) đã bị hủy"
        case .numbersExhausted: "Đã hết số thứ tự cho dịch vụ này. Vui lòng chờ ít phút hoặc hỏi cán bộ hướng dẫn."
        case .ambiguousNumber(let n, let count): "hôm nay có \(count) phiếu cùng số \(n)"
        case .counterOccupied(let c, let other):
            "cán bộ \(other) đang làm việc tại quầy số \(c): cán bộ đó cần đăng xuất trước (hoặc quản trị đăng xuất giúp)"
        }
    }
}
