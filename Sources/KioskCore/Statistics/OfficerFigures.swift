/// An officer's own figures for a period, as their counter page shows them: aggregates only,
/// and ratings counted in whole steps of `ratingStep`, oldest first.
///
/// Why steps: if the figures moved with every press, an officer could read each citizen's vote
/// from the change right after they pressed. Counting only the first 5, 10, 15... ratings, any
/// change covers at least five votes, and the newest ones wait until the step is full.
public struct OfficerFigures: Codable, Sendable, Equatable {
    public static let ratingStep = 5

    /// Tickets this officer finished in the period.
    public var finished: Int
    public var noShows: Int
    /// Mean time from call to finish, in seconds.
    public var meanServiceSeconds: Double?
    /// Ratings counted (a multiple of `ratingStep`).
    public var ratingsShown: Int
    /// Ratings given but not counted yet (fewer than `ratingStep`).
    public var ratingsPending: Int
    /// Count per level, best first, over the ratings shown.
    public var levels: [Int]
    /// Satisfied ratings / ratings shown, in percent.
    public var satisfactionPercent: Double?

    /// `votes`: the period's counted votes of this officer, oldest first, as (level, satisfied).
    public init(finished: Int, noShows: Int, meanServiceSeconds: Double?, votes: [(level: Int, satisfied: Bool)], scaleSize: Int) {
        self.finished = finished
        self.noShows = noShows
        self.meanServiceSeconds = meanServiceSeconds
        let shown = votes.count / Self.ratingStep * Self.ratingStep
        ratingsShown = shown
        ratingsPending = votes.count - shown
        var levels = Array(repeating: 0, count: scaleSize)
        var satisfied = 0
        for vote in votes.prefix(shown) {
            if (1...scaleSize).contains(vote.level) { levels[vote.level - 1] += 1 }
            if vote.satisfied { satisfied += 1 }
        }
        self.levels = levels
        satisfactionPercent = shown == 0 ? nil : (Double(satisfied) * 1000 / Double(shown)).rounded() / 10
    }
}
