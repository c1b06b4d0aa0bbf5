import Foundation

/// Presses too many and too fast to be a citizen's opinion.
public struct RatingBurst: Hashable, Sendable {
    public var presses: Int
    public var seconds: TimeInterval

    public init(presses: Int, seconds: TimeInterval) {
        self.presses = presses
        self.seconds = seconds
    }
}
