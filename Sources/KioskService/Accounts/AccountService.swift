import Foundation
import HummingbirdBcrypt
import KioskCore
import KioskRuntime
import KioskStore
import Logging
import Synchronization

/// Accounts, passwords, logins and sessions of the staff pages.
///
/// bcrypt runs on a thread of its own: a login takes a tenth of a second of CPU on purpose, and
/// a flood of logins from the LAN must queue there rather than take both cores from the hall.
/// Passwords never reach a log line, an event or an error message.
public final class AccountService: Sendable {
    public let database: KioskDatabase
    public let settings: AccountSettings
    private let timeZone: TimeZone
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let hasher = WorkerThread(name: "passwords")
    /// The database's side of the accounts, for the pages: a write may wait up to 2 s for
    /// another process's lock (the store's busy handler), which must not hold Swift's shared threads.
    private let store = WorkerThread(name: "accounts' database")
    /// Recent wrong passwords per address: the same guesser trying many accounts.
    private let failuresByAddress: Mutex<PerAddress<ActionRateLimit>>
    /// Changes over the pages in the last minute, per account and per address.
    private let actions: Mutex<(byAccount: PerAddress<ActionRateLimit>, byAddress: PerAddress<ActionRateLimit>)>
    /// Wrong logins under names that are no account.
    private let unknownNames = Mutex(UnknownNameLocks())
    /// Compared against when the account does not exist, so that an unknown name takes as
    /// long as a wrong password and the timing does not tell which names exist. Made at the
    /// first login, on the passwords thread (not at start: a hash takes a tenth of a second).
    private let decoy = Mutex<String?>(nil)

    /// How long an address waits after too many wrong passwords, counted over this window.
    public static let addressWindow: TimeInterval = 600
    /// The longest an account stays locked.
    public static let longestLock: TimeInterval = 900

    public init(
        database: KioskDatabase, settings: AccountSettings, timeZone: TimeZone, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.database = database
        self.settings = settings
        self.timeZone = timeZone
        self.logger = logger
        self.clock = clock
        let failures = settings.failuresPerAddress
        failuresByAddress = Mutex(PerAddress(forget: Self.addressWindow) { ActionRateLimit(limit: failures, window: Self.addressWindow) })
        let (perAccount, perAddress) = (settings.actionsPerMinute, settings.actionsPerAddressPerMinute)
        actions = Mutex(
            (
                PerAddress(forget: 60) { ActionRateLimit(limit: perAccount, window: 60) },
                PerAddress(forget: 60) { ActionRateLimit(limit: perAddress, window: 60) }
            ))
    }

    // MARK: Passwords

    /// bcrypt, on the passwords thread.
    public func hash(_ password: String) async -> String {
        let cost = UInt8(settings.bcryptCost)
        return await onHasher { Bcrypt.hash(password, cost: cost) }
    }

    private func verify(_ password: String, against hash: String) async -> Bool {
        await onHasher { Bcrypt.verify(password, hash: hash) }
    }

    private func onHasher<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            hasher.async { continuation.resume(returning: work()) }
        }
    }

    private func onStore<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await store.run { () throws(any Error) -> T in try work() }.get()
    }

    // MARK: Accounts

    public enum AccountError: Error, CustomStringConvertible, Equatable {
        case badID(String)
        case badName
        case badPassword(String)
        case exists(OfficerID)
        case unknown(OfficerID)
        /// The last active admin cannot be disabled or lose the role: nobody could manage accounts.
        case lastAdmin

        public var description: String {
            switch self {
            case .badID(let why): "tên đăng nhập không hợp lệ: \(why) (invalid account id)"
            case .badName: "họ tên không được để trống (the full name is empty)"
            case .badPassword(let why): why
            case .exists(let id): "tài khoản \(id) đã có (account \(id) exists already)"
            case .unknown(let id): "không có tài khoản \(id) (no account \(id))"
            case .lastAdmin: "phải còn ít nhất một quản trị đang hoạt động (at least one active admin must remain)"
            }
        }
    }

    /// An account id: what people type at the login, so lower-case letters, digits, `.`, `_`, `-`.
    public static func idProblem(_ id: String) -> String? {
        if id.isEmpty || id.count > 64 { return "1 to 64 characters" }
        if !id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }) {
            return "only lower-case letters a-z, digits, '.', '_' and '-'"
        }
        return nil
    }

    /// Creates an account. `actor`: who did it, for the audit log (`cli:root`, or an admin's id).
    public func add(id: String, name: String, role: Role, password: String?, actor: String) async throws -> Officer {
        if let why = Self.idProblem(id) { throw AccountError.badID(why) }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        guard !name.isEmpty else { throw AccountError.badName }
        if let password, let why = PasswordRule.problem(password) { throw AccountError.badPassword(why) }
        let account = Officer(id: OfficerID(id), name: name, createdAt: clock(), role: role)
        guard try await onStore({ try self.database.officer(account.id) }) == nil else { throw AccountError.exists(account.id) }
        let hash: String? = if let password { await hash(password) } else { nil }
        try await onStore {
            try self.database.addAccount(account, passwordHash: hash)
            try self.recordAudit("accountAdded", actor: actor, detail: "\(id) (\(role.rawValue)) \(name)")
        }
        return account
    }

    public func setActive(_ id: OfficerID, _ active: Bool, actor: String) async throws {
        try await onStore {
            let account = try self.existing(id)
            if !active, account.role == .admin, account.active { try self.keepAnAdmin(besides: id) }
            _ = try self.database.setOfficerActive(id, active)
            try self.recordAudit(active ? "accountEnabled" : "accountDisabled", actor: actor, detail: "\(id)")
        }
    }

    public func setRole(_ id: OfficerID, _ role: Role, actor: String) async throws {
        try await onStore {
            let account = try self.existing(id)
            if account.role == .admin, role != .admin, account.active { try self.keepAnAdmin(besides: id) }
            _ = try self.database.setRole(id, role)
            try self.recordAudit("roleChanged", actor: actor, detail: "\(id): \(account.role.rawValue) → \(role.rawValue)")
        }
    }

    /// A new password (the admin's reset, or the person's own change): unlocks the account and
    /// ends its sessions.
    public func setPassword(_ id: OfficerID, _ password: String, actor: String) async throws {
        _ = try await onStore { try self.existing(id) }
        if let why = PasswordRule.problem(password) { throw AccountError.badPassword(why) }
        let hash = await hash(password)
        try await onStore {
            _ = try self.database.setPasswordHash(id, hash)
            try self.recordAudit("passwordSet", actor: actor, detail: "\(id)")
        }
    }

    private func existing(_ id: OfficerID) throws -> Officer {
        guard let account = try database.officer(id) else { throw AccountError.unknown(id) }
        return account
    }

    private func keepAnAdmin(besides id: OfficerID) throws {
        let others = try database.officers().filter { $0.role == .admin && $0.active && $0.id != id }
        if others.isEmpty { throw AccountError.lastAdmin }
    }

    // MARK: Logins

    public enum LoginOutcome: Sendable, Equatable {
        case signedIn(StoredSession, Officer)
        /// Wrong name or password (the page does not say which).
        case refused
        /// Too many wrong passwords for this account, or from this address: try again later.
        case tooManyFailures(retryAfterSeconds: Int)
    }

    /// A login. Every limit is taken before bcrypt runs: the attempt is counted as a failure
    /// for the address and the account (which locks it when it is one too many) in one step,
    /// then the password is checked, and a right one gives the counts back. So thirty wrong
    /// passwords sent at once check at most `lock_after_failures` of them.
    public func login(username: String, password: String, address: String) async throws -> LoginOutcome {
        let now = clock()
        if let wait = reserveAddressAttempt(address, now: now) {
            logger.warning("login refused: too many wrong passwords from this address", metadata: ["address": "\(address)"])
            return .tooManyFailures(retryAfterSeconds: wait)
        }
        let id = OfficerID(username.trimmingCharacters(in: .whitespaces).lowercased())
        let lockFor = lockDuration
        let reservation: KioskDatabase.LoginReservation =
            Self.idProblem(id.rawValue) == nil
            ? try await onStore { try self.database.reserveLoginAttempt(id, at: now, lockFor: lockFor) } : .unknown
        let credentials: Credentials?
        switch reservation {
        case .locked(let until):
            // No password was checked: the address's try is given back.
            releaseAddressAttempt(address, now: now)
            return .tooManyFailures(retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
        case .unknown:
            // An unknown name is counted and locked like an account, so that locking does not
            // tell which names exist.
            if let until = reserveUnknownName(id.rawValue, now: now) {
                releaseAddressAttempt(address, now: now)
                return .tooManyFailures(retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
            }
            credentials = nil
        case .reserved(let found):
            credentials = found
        }
        let good: Bool
        if let hash = credentials?.passwordHash {
            good = await verify(password, against: hash)
        } else {
            let cost = UInt8(settings.bcryptCost)
            good = await onHasher { [self] in
                let hash = decoy.withLock { $0 } ?? Bcrypt.hash(Self.randomToken(bytes: 12), cost: cost)
                decoy.withLock { $0 = hash }
                _ = Bcrypt.verify(password, hash: hash)
                return false
            }
        }
        guard good, let credentials, credentials.passwordHash != nil, credentials.account.active else {
            if let credentials {
                let locked = credentials.lockedUntil != nil
                try await audit("loginFailed", actor: id.rawValue, detail: "from \(address)" + (locked ? ", account locked" : ""))
                logger.notice(
                    "login refused",
                    metadata: ["account": "\(id)", "address": "\(address)", "failures": "\(credentials.failedLogins)"])
            } else {
                // The name typed is not kept: people type their password into it by mistake.
                logger.notice("login refused: no such account", metadata: ["address": "\(address)"])
            }
            return .refused
        }
        releaseAddressAttempt(address, now: now)
        let session = StoredSession(
            id: Self.randomToken(bytes: 32), account: id, csrf: Self.randomToken(bytes: 24), createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(settings.sessionHours * 3600)), address: address)
        try await onStore {
            try self.database.recordLoginSuccess(id)
            try self.database.createSession(session)
            try self.database.deleteExpiredSessions(at: now)
            try self.recordAudit("loginSucceeded", actor: id.rawValue, detail: "from \(address)")
        }
        logger.info("login", metadata: ["account": "\(id)", "role": "\(credentials.account.role.rawValue)", "address": "\(address)"])
        return .signedIn(session, credentials.account)
    }

    /// How long the n-th wrong password in a row locks an account: a minute at
    /// `lock_after_failures`, doubling with each further one, up to 15 minutes.
    private var lockDuration: @Sendable (Int) -> TimeInterval? {
        let after = settings.lockAfterFailures
        return { failures in
            failures >= after ? min(AccountService.longestLock, 60 * pow(2, Double(failures - after))) : nil
        }
    }

    /// The signed-in session behind a cookie, if it is still valid.
    public func session(_ id: String) async throws -> (session: StoredSession, account: Officer)? {
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { return nil }
        let now = clock()
        return try await onStore { try self.database.session(id, at: now) }
    }

    public func logout(_ session: StoredSession) async throws {
        try await onStore {
            try self.database.deleteSession(session.id)
            try self.recordAudit("logout", actor: session.account.rawValue, detail: "")
        }
    }

    /// Counts an attempt from `address` as a failure, unless the address has too many in the
    /// window already: then the seconds it must wait.
    private func reserveAddressAttempt(_ address: String, now: Date) -> Int? {
        let t = now.timeIntervalSince1970
        return failuresByAddress.withLock { $0.with(address, at: t) { $0.take(at: t) } }
    }

    /// No password was checked, or a right one: the attempt counted for its address is given back.
    private func releaseAddressAttempt(_ address: String, now: Date) {
        let t = now.timeIntervalSince1970
        failuresByAddress.withLock { $0.with(address, at: t) { $0.giveBack(at: t) } }
    }

    /// The same count and lock as an account's, for a name that is none: nil, or until when it
    /// answers "locked".
    private func reserveUnknownName(_ name: String, now: Date) -> Date? {
        let lockFor = lockDuration
        return unknownNames.withLock { $0.reserve(name, at: now, lockFor: lockFor) }
    }

    /// Counts a change over the pages by `account` from `address`; the seconds to wait when
    /// either has made too many in the last minute (nothing is counted then).
    public func reserveAction(account: OfficerID, address: String) -> Int? {
        let t = clock().timeIntervalSince1970
        return actions.withLock { all in
            if let wait = all.byAccount.with(account.rawValue, at: t, { $0.take(at: t) }) { return wait }
            guard let wait = all.byAddress.with(address, at: t, { $0.take(at: t) }) else { return nil }
            all.byAccount.with(account.rawValue, at: t) { $0.giveBack(at: t) }
            return wait
        }
    }

    // MARK: Audit

    /// Stores an action in the event log with who did it.
    public func audit(_ action: String, actor: String, detail: String) async throws {
        try await onStore { try self.recordAudit(action, actor: actor, detail: detail) }
    }

    private func recordAudit(_ action: String, actor: String, detail: String) throws {
        let now = clock()
        try database.recordAudit(action: action, actor: actor, detail: detail, at: now, day: LocalDay(now, in: timeZone))
    }

    /// Random hex from the system's cryptographic generator (getrandom on Linux).
    public static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
