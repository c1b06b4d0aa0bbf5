import Foundation

/// One button of the rating keypad.
public struct RatingLevel: Hashable, Codable, Sendable {
    /// What the citizen reads ("Rất hài lòng").
    public var label: String
    /// Whether this level counts towards the satisfaction rate.
    public var satisfied: Bool

    public init(label: String, satisfied: Bool) {
        self.label = label
        self.satisfied = satisfied
    }
}

/// The levels offered, best first: level 1 is the top one.
public struct RatingScale: Hashable, Codable, Sendable {
    public var levels: [RatingLevel]

    public init(levels: [RatingLevel]) { self.levels = levels }

    /// The common Vietnamese practice.
    public static let threeLevels = RatingScale(levels: [
        RatingLevel(label: "Rất hài lòng", satisfied: true),
        RatingLevel(label: "Hài lòng", satisfied: true),
        RatingLevel(label: "Không hài lòng", satisfied: false),
    ])

    public var count: Int { levels.count }

    /// The level numbered from 1 (best), or nil when out of the scale.
    public func level(_ number: Int) -> RatingLevel? {
        levels.indices.contains(number - 1) ? levels[number - 1] : nil
    }
}

/// Why a rating press is kept out of the scores.
public enum RatingFlag: String, Hashable, Codable, Sendable {
    /// No ticket was being served at the counter, nor finished there within the window.
    case unlinked
    /// The ticket had already been rated: one vote per ticket, the first one counts.
    case alreadyRated
}

/// A stored rating press, with what it was linked to.
public struct Rating: Hashable, Codable, Sendable {
    public var counter: CounterNumber
    public var ticket: TicketID?
    public var ticketDisplay: String?
    public var service: ServiceCode?
    public var officer: OfficerID?
    public var level: Int
    /// The label and scale size at the time of the press, so history stays readable if the scale changes.
    public var label: String
    public var scaleSize: Int
    public var satisfied: Bool
    public var flag: RatingFlag?

    public init(counter: CounterNumber, ticket: TicketID?, ticketDisplay: String?, service: ServiceCode?, officer: OfficerID?,
                level: Int, label: String, scaleSize: Int, satisfied: Bool, flag: RatingFlag?) {
        self.counter = counter
        self.ticket = ticket
        self.ticketDisplay = ticketDisplay
        self.service = service
        self.officer = officer
        self.level = level
        self.label = label
        self.scaleSize = scaleSize
        self.satisfied = satisfied
        self.flag = flag
    }
}
