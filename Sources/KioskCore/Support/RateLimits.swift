import Foundation

// The limits kept per client while a server runs (in memory: a restart forgets them), with
// the time passed in: the box's logins and page changes, the province page's logins.

/// A limit kept per client address, with room for a LAN's machines: addresses that sent
/// nothing in the last `forget` seconds are dropped when there are many.
public struct PerAddress<Limit: Sendable>: Sendable {
    private var limits: [String: (limit: Limit, lastSeen: TimeInterval)] = [:]
    private let make: @Sendable () -> Limit
    private let forget: TimeInterval

    public init(forget: TimeInterval, _ make: @escaping @Sendable () -> Limit) {
        self.make = make
        self.forget = forget
    }

    public mutating func with<T>(_ address: String, at now: TimeInterval, _ body: (inout Limit) -> T) -> T {
        if limits.count > 4096 { limits = limits.filter { now - $0.value.lastSeen < forget } }
        var entry = limits[address] ?? (make(), now)
        let result = body(&entry.limit)
        entry.lastSeen = now
        limits[address] = entry
        return result
    }
}

/// At most `limit` actions within a sliding `window`: wrong passwords from one address, an
/// officer's or an address's changes over the pages (a sign-in toggled thousands of times
/// would fill the database).
public struct ActionRateLimit: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private var times: [TimeInterval] = []

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Nil when the action may go (and it is counted); otherwise the seconds to wait.
    public mutating func take(at now: TimeInterval) -> Int? {
        times.removeAll { now - $0 >= window || $0 > now }
        if times.count >= limit {
            return min(Int(window), max(1, Int((window - (now - (times.first ?? now))).rounded(.up))))
        }
        times.append(now)
        return nil
    }

    /// Takes back the newest action counted at `now` (a login that turned out right).
    public mutating func giveBack(at now: TimeInterval) {
        if let i = times.lastIndex(of: now) { times.remove(at: i) }
    }
}

/// Wrong logins under names that are no account, counted and locked exactly as an account's
/// are (`lockFor(n)`: how long the n-th failure in a row locks), so that a lock does not tell
/// which names exist. A name is kept by its SHA-256 only: people type their password into it.
public struct UnknownNameLocks: Sendable {
    private var entries: [String: (failures: Int, lockedUntil: Date?)] = [:]

    public init() {}

    /// Counts a try under `name`; until when it is locked (nothing counted), or nil when this
    /// try may be checked.
    public mutating func reserve(_ name: String, at now: Date, lockFor: (Int) -> TimeInterval?) -> Date? {
        if entries.count > 10_000 { entries = entries.filter { ($0.value.lockedUntil ?? .distantPast) > now } }
        let key = SHA256.hex(name)
        var entry = entries[key] ?? (failures: 0, lockedUntil: nil)
        if let until = entry.lockedUntil, until > now { return until }
        entry.failures += 1
        entry.lockedUntil = lockFor(entry.failures).map { now.addingTimeInterval($0) }
        entries[key] = entry
        return nil
    }
}
