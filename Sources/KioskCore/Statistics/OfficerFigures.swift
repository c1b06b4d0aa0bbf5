/// An officer's own figures for a period, as their counter page shows them: aggregates only,
/// the ratings counted through `RatingSteps` (whole blocks of five, so that no change can be
/// traced to one citizen's press).
public struct OfficerFigures: Codable, Sendable, Equatable {
    /// Tickets this officer finished in the period.
    public var finished: Int
    public var noShows: Int
    /// Mean time from call to finish, in seconds.
    public var meanServiceSeconds: Double?
    /// Ratings counted (a multiple of `RatingSteps.size`).
    public var ratingsShown: Int
    /// Ratings given in the period's last month that wait for their block (fewer than five).
    public var ratingsPending: Int
    /// Count per level, best first, over the ratings shown.
    public var levels: [Int]
    /// Satisfied ratings / ratings shown, in percent.
    public var satisfactionPercent: Double?

    /// `shown`: the votes `RatingSteps.shown` gives for the period; `waiting`: those given in the
    /// period's month that wait for their block.
    public init(finished: Int, noShows: Int, meanServiceSeconds: Double?, shown: [RatingSteps.Vote], waiting: Int, scaleSize: Int) {
        self.finished = finished
        self.noShows = noShows
        self.meanServiceSeconds = meanServiceSeconds
        ratingsShown = shown.count
        ratingsPending = waiting
        var levels = Array(repeating: 0, count: scaleSize)
        var satisfied = 0
        for vote in shown {
            if (1...scaleSize).contains(vote.level) { levels[vote.level - 1] += 1 }
            if vote.satisfied { satisfied += 1 }
        }
        self.levels = levels
        satisfactionPercent = shown.isEmpty ? nil : (Double(satisfied) * 1000 / Double(shown.count)).rounded() / 10
    }
}
