/// What a signed-in person may do. Citizens never sign in: the hall display, counter screens,
/// the touch kiosk and the keypads are anonymous and reach none of these.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Accounts, devices and health, every report, the audit log.
    case admin
    /// The centre's leader: every report and the live figures, read only.
    case leader
    /// An officer: their own counter page and their own figures.
    case officer

    /// Vietnamese name, as the pages show it.
    public var title: String {
        switch self {
        case .admin: "Quản trị"
        case .leader: "Lãnh đạo"
        case .officer: "Cán bộ"
        }
    }

    public func may(_ permission: Permission) -> Bool {
        switch permission {
        case .manageAccounts, .manageDevices, .readAuditLog: self == .admin
        case .readAllReports, .watchLiveFigures: self == .admin || self == .leader
        case .workAtCounter: self == .officer
        case .readOwnFigures: true
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
    private var rank: Int { self == .admin ? 0 : self == .leader ? 1 : 2 }
}

public enum Permission: String, Sendable, CaseIterable {
    case manageAccounts, manageDevices, readAuditLog, readAllReports, watchLiveFigures, workAtCounter, readOwnFigures
}

/// The rules a new password must meet (checked wherever one is set: the CLI and the pages).
public enum PasswordRule {
    public static let minimumLength = 8
    /// bcrypt reads at most 72 bytes: a longer password would be cut without a word.
    public static let maximumBytes = 72

    /// Why `password` is refused, in Vietnamese and English, or nil.
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength {
            return "mật khẩu phải có ít nhất \(minimumLength) ký tự (a password needs at least \(minimumLength) characters)"
        }
        if password.utf8.count > maximumBytes {
            return "mật khẩu dài quá \(maximumBytes) byte (a password is at most \(maximumBytes) bytes)"
        }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "mật khẩu có ký tự điều khiển (a password cannot hold control characters)"
        }
        return nil
    }
}
