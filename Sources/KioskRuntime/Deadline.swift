#if canImport(Glibc)
    import Glibc
#endif

/// The moment an operation on a device gives up, by the monotonic clock. One deadline covers
/// a whole ticket (status exchange, write and drain together), so no sequence of slow steps
/// can add up to a stuck hall.
public struct Deadline: Sendable, Comparable {
    public let instant: ContinuousClock.Instant

    public init(_ instant: ContinuousClock.Instant) { self.instant = instant }

    public static func after(_ duration: Duration) -> Deadline { Deadline(.now + duration) }

    public static func after(milliseconds: Int) -> Deadline { after(.milliseconds(milliseconds)) }

    public var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Milliseconds left for `poll`, never negative; at most `cap`.
    public func remainingMs(cap: Int32 = .max) -> Int32 {
        let left = instant - .now
        guard left > .zero else { return 0 }
        let ms = left.components.seconds * 1000 + Int64(left.components.attoseconds / 1_000_000_000_000_000) + 1
        return Int32(min(Int64(cap), ms))
    }

    /// The sooner of the two.
    public func capped(at other: Deadline) -> Deadline { min(self, other) }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.instant < b.instant }
}
