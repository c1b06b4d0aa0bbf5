import Foundation

/// A service area citizens pick at the kiosk, and how its tickets are numbered.
public struct ServiceDefinition: Hashable, Codable, Sendable {
    public var code: ServiceCode
    /// What citizens read, in Vietnamese ("Chứng thực bản sao").
    public var name: String
    /// Letters before the number ("A" gives A001); empty for plain numbers (1001).
    public var prefix: String
    public var firstNumber: Int
    public var lastNumber: Int

    public init(code: ServiceCode, name: String, prefix: String = "", firstNumber: Int = 1, lastNumber: Int = 999) {
        self.code = code
        self.name = name
        self.prefix = prefix
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
    }

    public var rangeSize: Int { lastNumber - firstNumber + 1 }

    /// The number printed for the `sequence`-th ticket of the day (1-based): it wraps to
    /// `firstNumber` after `lastNumber`.
    public func number(forSequence sequence: Int) -> Int {
        firstNumber + (sequence - 1) % rangeSize
    }

    /// `A007` for prefix A and range 1–999; `1007` for range 1001–1999.
    public func display(number: Int) -> String {
        let width = String(lastNumber).count
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A counter and the services it calls, in the order it calls them.
public struct CounterDefinition: Hashable, Codable, Sendable {
    public var number: CounterNumber
    public var name: String
    public var services: [ServiceCode]

    public init(number: CounterNumber, name: String? = nil, services: [ServiceCode]) {
        self.number = number
        self.name = name ?? "Quầy số \(number.rawValue)"
        self.services = services
    }
}

/// How priority tickets (elderly, disabled, pregnant, people with merit) are called.
public enum PriorityPolicy: Hashable, Codable, Sendable {
    /// Every waiting priority ticket is called before any normal one.
    case strict
    /// After `normalCalls` normal tickets at a counter, one priority ticket.
    case interleave(normalCalls: Int)
}

/// What the service ended with, chosen by the officer on finish.
public enum ServiceOutcome: String, Hashable, Codable, Sendable, CaseIterable {
    /// The request was received or completed.
    case served
    /// The citizen must come back with missing documents.
    case incomplete
    /// The request cannot be handled here.
    case declined
}

/// Which press counts when a ticket is rated more than once.
public enum RatingVote: Hashable, Sendable {
    /// The first press counts; later ones are kept, flagged `alreadyRated`.
    case first
    /// A press within `correction` seconds of the counted one replaces it (a citizen
    /// correcting a mis-press); the replaced one is kept, flagged `replaced`.
    case last(correction: TimeInterval)
}

/// Presses too many and too fast to be a citizen's opinion.
public struct RatingBurst: Hashable, Sendable {
    public var presses: Int
    public var seconds: TimeInterval

    public init(presses: Int, seconds: TimeInterval) {
        self.presses = presses
        self.seconds = seconds
    }
}

/// Everything the queue rules need from the installation's config.
public struct QueueRules: Hashable, Sendable {
    public var services: [ServiceDefinition]
    public var counters: [CounterDefinition]
    public var priorityPolicy: PriorityPolicy
    /// How many times a number may be called again after its first call.
    public var recallLimit: Int
    public var ratingScale: RatingScale
    /// How long after finishing a ticket a rating press still links to it.
    public var ratingWindow: TimeInterval
    /// For this long after a counter calls a citizen, a press there still belongs to the
    /// citizen who just finished (who is still at the keypad).
    public var ratingHandover: TimeInterval = 30
    public var timeZone: TimeZone
    /// One vote per ticket: the first press, or the last within a correction time.
    public var ratingVote: RatingVote = .first
    /// This many presses at one counter within `seconds` is a burst: those presses are flagged.
    public var ratingBurst: RatingBurst? = RatingBurst(presses: 4, seconds: 3)
    /// Reasons asked after a dissatisfied press; nil: none asked.
    public var ratingReasons: RatingReasons?

    /// Whether this press opens the reason question: a counted press at a level that asks.
    public func asksReason(_ rating: Rating) -> Bool {
        rating.flag == nil && ratingReasons?.askLevels.contains(rating.level) == true
    }
    /// How many recent calls the displays show.
    public var recentCallsKept: Int

    public init(
        services: [ServiceDefinition],
        counters: [CounterDefinition],
        priorityPolicy: PriorityPolicy = .interleave(normalCalls: 3),
        recallLimit: Int = 3,
        ratingScale: RatingScale = .threeLevels,
        ratingWindow: TimeInterval = 120,
        timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!,
        recentCallsKept: Int = 8
    ) {
        self.services = services
        self.counters = counters
        self.priorityPolicy = priorityPolicy
        self.recallLimit = recallLimit
        self.ratingScale = ratingScale
        self.ratingWindow = ratingWindow
        self.timeZone = timeZone
        self.recentCallsKept = recentCallsKept
    }

    public func service(_ code: ServiceCode) -> ServiceDefinition? {
        services.first { $0.code == code }
    }

    public func counter(_ number: CounterNumber) -> CounterDefinition? {
        counters.first { $0.number == number }
    }
}
