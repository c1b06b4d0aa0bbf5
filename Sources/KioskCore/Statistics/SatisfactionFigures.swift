import Foundation

/// The satisfaction figures of one group (an officer, a counter, a service or a day).
public struct SatisfactionFigures: Hashable, Codable, Sendable {
    /// Counted ratings per level, level 1 (best) first.
    public var levelCounts: [Int]
    /// Counted ratings on a level that the scale marks as satisfied.
    public var satisfiedCount: Int
    /// Tickets finished (served) in the group.
    public var finished: Int
    /// Of those, the ones with a counted rating.
    public var ratedFinished: Int

    public init(levelCounts: [Int], satisfiedCount: Int, finished: Int, ratedFinished: Int) {
        self.levelCounts = levelCounts
        self.satisfiedCount = satisfiedCount
        self.finished = finished
        self.ratedFinished = ratedFinished
    }

    public var rated: Int { levelCounts.reduce(0, +) }

    /// Satisfied ratings over all counted ratings; nil when nothing was rated.
    public var satisfactionRate: Double? {
        rated == 0 ? nil : Double(satisfiedCount) / Double(rated)
    }

    /// Finished tickets with a counted rating over finished tickets: never above 1, since a
    /// ticket has at most one counted vote and a vote for a ticket that was not finished
    /// (a no-show, an expired one) is not in it. Nil when nothing was finished.
    public var responseRate: Double? {
        finished == 0 ? nil : Double(ratedFinished) / Double(finished)
    }
}

extension SatisfactionFigures {
    /// Each level's share of the counted ratings, level 1 first; nil when nothing was rated.
    public var levelShares: [Double]? {
        rated == 0 ? nil : levelCounts.map { Double($0) / Double(rated) }
    }
}

/// How long citizens waited and were served in a group, and how tickets ended.
public struct ServiceTimes: Hashable, Codable, Sendable {
    /// Tickets called at least once.
    public var called: Int
    public var noShows: Int
    public var transfers: Int
    /// Seconds from the ticket's issue to its first call.
    public var meanWait: Double?
    /// The wait that 90 % of the called tickets did not exceed (nearest rank).
    public var p90Wait: Double?
    /// Seconds from the first call to the finish, for finished tickets.
    public var meanService: Double?

    public init(
        called: Int = 0, noShows: Int = 0, transfers: Int = 0, meanWait: Double? = nil, p90Wait: Double? = nil, meanService: Double? = nil
    ) {
        self.called = called
        self.noShows = noShows
        self.transfers = transfers
        self.meanWait = meanWait
        self.p90Wait = p90Wait
        self.meanService = meanService
    }

    /// The nearest-rank percentile of sorted values: the smallest value with at least
    /// `fraction` of all values at or below it.
    public static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count, rank) - 1)]
    }
}
