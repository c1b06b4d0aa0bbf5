import Foundation

/// The satisfaction figures of one group (an officer, a counter, a service or a day).
public struct SatisfactionFigures: Hashable, Codable, Sendable {
    /// Counted ratings per level, level 1 (best) first.
    public var levelCounts: [Int]
    /// Counted ratings on a level that the scale marks as satisfied.
    public var satisfiedCount: Int
    /// Tickets finished (served) in the group.
    public var finished: Int

    public init(levelCounts: [Int], satisfiedCount: Int, finished: Int) {
        self.levelCounts = levelCounts
        self.satisfiedCount = satisfiedCount
        self.finished = finished
    }

    public var rated: Int { levelCounts.reduce(0, +) }

    /// Satisfied ratings over all counted ratings; nil when nothing was rated.
    public var satisfactionRate: Double? {
        rated == 0 ? nil : Double(satisfiedCount) / Double(rated)
    }

    /// Counted ratings over finished tickets; nil when nothing was finished.
    public var responseRate: Double? {
        finished == 0 ? nil : Double(rated) / Double(finished)
    }
}
