import Foundation

/// Everything the queue rules need from the installation's config.
public struct QueueRules: Hashable, Sendable {
    // The defaults, here and nowhere else: the config reader falls back on these.
    public static let defaultTimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    public static let defaultPriorityPolicy = PriorityPolicy.interleave(normalCalls: 3)
    public static let defaultRecallLimit = 3
    public static let defaultRatingWindow: TimeInterval = 120
    public static let defaultRatingHandover: TimeInterval = 30
    public static let defaultRatingBurst = RatingBurst(presses: 4, seconds: 3)

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
    public var ratingHandover: TimeInterval = Self.defaultRatingHandover
    public var timeZone: TimeZone
    /// One vote per ticket: the first press, or the last within a correction time.
    public var ratingVote: RatingVote = .first
    /// This many presses at one counter within `seconds` is a burst: those presses are flagged.
    public var ratingBurst: RatingBurst? = Self.defaultRatingBurst
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
        priorityPolicy: PriorityPolicy = Self.defaultPriorityPolicy,
        recallLimit: Int = Self.defaultRecallLimit,
        ratingScale: RatingScale = .threeLevels,
        ratingWindow: TimeInterval = Self.defaultRatingWindow,
        timeZone: TimeZone = Self.defaultTimeZone,
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
