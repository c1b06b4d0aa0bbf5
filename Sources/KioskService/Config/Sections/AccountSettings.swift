/// Logins to the staff pages: the bcrypt cost, how long a session lasts, when an account locks.
public struct AccountSettings: Sendable, Equatable {
    /// bcrypt's work factor: each step doubles a login's time (and a guesser's).
    public var bcryptCost = 11
    /// A login lasts a working day; then the person logs in again.
    public var sessionHours = 10
    /// Wrong passwords in a row before the account locks (for a minute, doubling each time).
    public var lockAfterFailures = 5
    /// Wrong passwords from one address within 10 minutes before that address must wait.
    public var failuresPerAddress = 20
    /// Changes over the staff pages (a counter's actions, account changes, reprints) per
    /// minute, per account and per address: a toggle sent thousands of times would fill the database.
    public var actionsPerMinute = 60
    public var actionsPerAddressPerMinute = 120

    public init() {}
}

extension AccountSettings {
    /// `[accounts]`; the defaults above where it is absent.
    static func read(_ top: TableReader) throws(ConfigError) -> AccountSettings {
        var accounts = AccountSettings()
        guard let t = try top.table("accounts") else { return accounts }
        accounts.bcryptCost = try t.int("bcrypt_cost", default: accounts.bcryptCost, in: 8...14)
        accounts.sessionHours = try t.int("session_hours", default: accounts.sessionHours, in: 1...24 * 7)
        accounts.lockAfterFailures = try t.int("lock_after_failures", default: accounts.lockAfterFailures, in: 3...100)
        accounts.failuresPerAddress = try t.int("failures_per_address", default: accounts.failuresPerAddress, in: 5...1000)
        accounts.actionsPerMinute = try t.int("actions_per_minute", default: accounts.actionsPerMinute, in: 5...10_000)
        accounts.actionsPerAddressPerMinute = try t.int(
            "actions_per_address_per_minute",
            default: accounts.actionsPerAddressPerMinute, in: 5...10_000)
        try t.finish()
        return accounts
    }
}
