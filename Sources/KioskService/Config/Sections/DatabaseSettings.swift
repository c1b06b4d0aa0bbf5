/// `[database]`: the SQLite file, and the size it never grows past.
public struct DatabaseSettings: Sendable, Equatable {
    public var path: String
    /// nil: as the disk allows.
    public var maxSizeMB: Int?

    static func read(_ top: TableReader) throws(ConfigError) -> DatabaseSettings {
        guard let t = try top.table("database") else { return DatabaseSettings(path: top.resolve("kiosk.sqlite")) }
        let settings = DatabaseSettings(
            path: try t.path("path", default: "kiosk.sqlite"),
            maxSizeMB: t.has("max_size_mb") ? try t.int("max_size_mb", in: 1...1_000_000) : nil)
        try t.finish()
        return settings
    }
}
