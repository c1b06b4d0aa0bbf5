import Foundation

/// Which press counts when a ticket is rated more than once.
public enum RatingVote: Hashable, Sendable {
    /// The first press counts; later ones are kept, flagged `alreadyRated`.
    case first
    /// A press within `correction` seconds of the counted one replaces it (a citizen
    /// correcting a mis-press); the replaced one is kept, flagged `replaced`.
    case last(correction: TimeInterval)
}
