import Foundation
import GRDB
import KioskCore

/// An officer's account, managed at run time by the admin.
public struct Officer: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "officer"

    public var id: OfficerID
    public var name: String
    public var active: Bool
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, active
        case createdAt = "created_at"
    }

    public init(id: OfficerID, name: String, active: Bool = true, createdAt: Date) {
        self.id = id
        self.name = name
        self.active = active
        self.createdAt = createdAt
    }
}
