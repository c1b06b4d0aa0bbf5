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

/// Short reasons a citizen may give after a press at a level that asks for one
/// ("Không hài lòng"), chosen with the same keypad's keys: the key of level 2 gives reason 2.
public struct RatingReasons: Hashable, Codable, Sendable {
    /// "Thái độ phục vụ", "Thời gian chờ lâu", …; reason 1 first.
    public var labels: [String]
    /// The levels after which the keypad asks.
    public var askLevels: Set<Int>
    /// How long after the press the next one at that keypad is the reason.
    public var seconds: TimeInterval

    public init(labels: [String], askLevels: Set<Int>, seconds: TimeInterval) {
        self.labels = labels
        self.askLevels = askLevels
        self.seconds = seconds
    }

    /// The reason numbered from 1, or nil.
    public func label(_ number: Int) -> String? {
        labels.indices.contains(number - 1) ? labels[number - 1] : nil
    }
}

/// Why a rating press is kept out of the scores.
public enum RatingFlag: String, Hashable, Codable, Sendable {
    /// No ticket was being served at the counter, nor finished there within the window.
    case unlinked
    /// The ticket had already been rated: one vote per ticket, the first one counts.
    case alreadyRated
    /// One of many presses in a few seconds at that counter.
    case burst
    /// Counted once, then replaced by the citizen's correction (vote = last).
    case replaced
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
    /// This press replaces the ticket's counted vote, which becomes `replaced`.
    public var replacesVote: Bool = false

    public init(
        counter: CounterNumber, ticket: TicketID?, ticketDisplay: String?, service: ServiceCode?, officer: OfficerID?,
        level: Int, label: String, scaleSize: Int, satisfied: Bool, flag: RatingFlag?, replacesVote: Bool = false
    ) {
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
        self.replacesVote = replacesVote
    }

    enum CodingKeys: String, CodingKey {
        case counter, ticket, ticketDisplay, service, officer, level, label, scaleSize, satisfied, flag, replacesVote
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        counter = try c.decode(CounterNumber.self, forKey: .counter)
        ticket = try c.decodeIfPresent(TicketID.self, forKey: .ticket)
        ticketDisplay = try c.decodeIfPresent(String.self, forKey: .ticketDisplay)
        service = try c.decodeIfPresent(ServiceCode.self, forKey: .service)
        officer = try c.decodeIfPresent(OfficerID.self, forKey: .officer)
        level = try c.decode(Int.self, forKey: .level)
        label = try c.decode(String.self, forKey: .label)
        scaleSize = try c.decode(Int.self, forKey: .scaleSize)
        satisfied = try c.decode(Bool.self, forKey: .satisfied)
        flag = try c.decodeIfPresent(RatingFlag.self, forKey: .flag)
        // Stored before corrections existed: absent means no.
        replacesVote = try c.decodeIfPresent(Bool.self, forKey: .replacesVote) ?? false
    }
}
