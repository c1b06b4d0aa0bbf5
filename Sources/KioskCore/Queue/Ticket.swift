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

    public var isOpen: Bool { self == .waiting || self == .called || self == .held }
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
    /// The printer failed on it and it has not been reprinted yet.
    public var unprinted: Bool = false

    public init(id: TicketID, day: LocalDay, service: ServiceCode, sequence: Int, number: Int, display: String,
                priority: Bool, issuedAt: Date) {
        self.id = id
        self.day = day
        self.service = service
        self.sequence = sequence
        self.number = number
        self.display = display
        self.priority = priority
        self.issuedAt = issuedAt
        self.queueService = service
    }
}
