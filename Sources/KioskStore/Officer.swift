import Foundation
import GRDB
import KioskCore

/// A person's account, managed at run time by the admin: officers, the leader, admins. Its
/// password hash is kept out of this record (read only by `credentials(of:)`), so printing
/// or encoding an account can never show it.
public struct Officer: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "officer"

    public var id: OfficerID
    public var name: String
    public var active: Bool
    public var createdAt: Date
    /// What the account may do on the pages; officers are `officer`.
    public var role: Role

    enum CodingKeys: String, CodingKey {
        case id, name, active, role
        case createdAt = "created_at"
    }

    public init(id: OfficerID, name: String, active: Bool = true, createdAt: Date, role: Role = .officer) {
        self.id = id
        self.name = name
        self.active = active
        self.createdAt = createdAt
        self.role = role
    }
}
