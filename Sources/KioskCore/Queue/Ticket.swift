import Foundation

public enum TicketStatus: String, Hashable, Codable, Sendable {
    case waiting
    /// Called to a counter and being served there.
    case called
    /// Set aside at a counter (the citizen fetches a document) and returned later.
    case held
    case finished
    case noShow
    /// Still open when the day ended.
    case expired
    /// Taken out of the queue without being served: its ticket never reached the citizen
    /// (the printer failed under the `refuse` policy), or staff voided it.
    case voided

    public var isOpen: Bool { self == .waiting || self == .called || self == .held }
}

/// Where a ticket's paper is, as the ticket journal records it. The number is stored
/// (`pending`) before a byte goes to the printer; the outcome is stored after.
public enum PrintState: String, Hashable, Codable, Sendable, CaseIterable {
    /// Reserved and stored; the printer has not finished. Such a ticket is not called yet.
    case pending
    case printed
    /// The printer failed and the ticket stands (policy `issue-and-flag`): staff reprint it.
    case failed
    /// The daemon stopped between reserving and printing: the citizen may or may not hold
    /// it. It stays in the queue; staff reprint or void it.
    case unknown
    /// It never reached the citizen and left the queue (policy `refuse`, or voided by staff).
    case voided
    /// No printer is configured: the number was only shown (touch page, control socket).
    case noPrinter

    /// Staff should act on it: print it again, or void it.
    public var needsStaff: Bool { self == .failed || self == .unknown }
}

public struct Ticket: Hashable, Codable, Sendable {
    public let id: TicketID
    public let day: LocalDay
    public let service: ServiceCode
    /// The ticket's position in its service's day (1, 2, 3...): never repeats in a day, even when the number wraps.
    public let sequence: Int
    public let number: Int
    /// What the citizen holds and the displays show: `A015`, `1023`.
    public let display: String
    public let priority: Bool
    public let issuedAt: Date

    public var status: TicketStatus = .waiting
    /// Where the ticket waits: its own service, or another one it was transferred to.
    public var queueService: ServiceCode
    /// Set when transferred to a given counter: only that counter calls it.
    public var queueCounter: CounterNumber?
    public var counter: CounterNumber?
    public var officer: OfficerID?
    public var calledAt: Date?
    public var finishedAt: Date?
    public var recalls: Int = 0
    public var outcome: ServiceOutcome?
    public var rated: Bool = false
    /// When the counted vote was pressed.
    public var ratedAt: Date?
    /// Where its paper is (the ticket journal).
    public var print: PrintState
    /// How long the queue expected this ticket to wait when it was issued; nil when it had
    /// too little history to say.
    public var estimatedWait: TimeInterval?

    public init(
        id: TicketID, day: LocalDay, service: ServiceCode, sequence: Int, number: Int, display: String,
        priority: Bool, issuedAt: Date, print: PrintState = .noPrinter
    ) {
        self.id = id
        self.day = day
        self.service = service
        self.sequence = sequence
        self.number = number
        self.display = display
        self.priority = priority
        self.issuedAt = issuedAt
        self.queueService = service
        self.print = print
    }
}

extension Ticket {
    private enum CodingKeys: String, CodingKey {
        case id, day, service, sequence, number, display, priority, issuedAt, status, queueService, queueCounter, counter,
            officer, calledAt, finishedAt, recalls, outcome, rated, ratedAt, print, estimatedWait
    }

    /// Events stored before the ticket journal have no `print`: those tickets were issued
    /// only once printed (or flagged by a later event), so they read as printed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(TicketID.self, forKey: .id), day: try c.decode(LocalDay.self, forKey: .day),
            service: try c.decode(ServiceCode.self, forKey: .service), sequence: try c.decode(Int.self, forKey: .sequence),
            number: try c.decode(Int.self, forKey: .number), display: try c.decode(String.self, forKey: .display),
            priority: try c.decode(Bool.self, forKey: .priority), issuedAt: try c.decode(Date.self, forKey: .issuedAt),
            print: try c.decodeIfPresent(PrintState.self, forKey: .print) ?? .printed)
        status = try c.decode(TicketStatus.self, forKey: .status)
        queueService = try c.decode(ServiceCode.self, forKey: .queueService)
        queueCounter = try c.decodeIfPresent(CounterNumber.self, forKey: .queueCounter)
        counter = try c.decodeIfPresent(CounterNumber.self, forKey: .counter)
        officer = try c.decodeIfPresent(OfficerID.self, forKey: .officer)
        calledAt = try c.decodeIfPresent(Date.self, forKey: .calledAt)
        finishedAt = try c.decodeIfPresent(Date.self, forKey: .finishedAt)
        recalls = try c.decodeIfPresent(Int.self, forKey: .recalls) ?? 0
        outcome = try c.decodeIfPresent(ServiceOutcome.self, forKey: .outcome)
        rated = try c.decodeIfPresent(Bool.self, forKey: .rated) ?? false
        ratedAt = try c.decodeIfPresent(Date.self, forKey: .ratedAt)
        estimatedWait = try c.decodeIfPresent(TimeInterval.self, forKey: .estimatedWait)
    }
}
