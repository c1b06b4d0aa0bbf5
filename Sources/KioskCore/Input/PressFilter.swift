import Foundation

/// Keeps a keypad's chattering contacts and hammered buttons from becoming commands.
/// Time is the press's own timestamp (the kernel's), passed in.
public struct PressFilter: Sendable {
    public struct Settings: Sendable, Equatable {
        /// A press of the same key closer than this to the previous one is contact bounce.
        public var debounce: TimeInterval
        /// At most this many accepted presses of one key within `window` (kiosk buttons); nil: no limit.
        public var limit: Int?
        public var window: TimeInterval

        public init(debounce: TimeInterval = 0.05, limit: Int? = nil, window: TimeInterval = 20) {
            self.debounce = debounce
            self.limit = limit
            self.window = window
        }
    }

    public enum Verdict: Equatable, Sendable {
        case accepted
        /// Within the debounce time of the previous press of that key.
        case bounced
        /// Over the key's limit: the refusal is logged.
        case rateLimited
    }

    public let settings: Settings
    private var lastPress: [UInt16: TimeInterval] = [:]
    private var accepted: [UInt16: [TimeInterval]] = [:]

    public init(_ settings: Settings) { self.settings = settings }

    public mutating func judge(key: UInt16, at time: TimeInterval) -> Verdict {
        defer { lastPress[key] = time }
        if let last = lastPress[key], time - last < settings.debounce, time >= last { return .bounced }
        if let limit = settings.limit {
            var times = (accepted[key] ?? []).filter { time - $0 < settings.window && time >= $0 }
            guard times.count < limit else {
                accepted[key] = times
                return .rateLimited
            }
            times.append(time)
            accepted[key] = times
        }
        return .accepted
    }
}
