import Foundation
import KioskCore

/// `[centre]`: the centre's name on tickets and pages, its time zone, and its code in the province.
public struct CentreSettings: Sendable, Equatable {
    public var name: String
    public var timeZone: TimeZone
    /// Unique in the province (`26.0101`): the centre's name in the central database.
    public var code: String?

    /// The `[centre]` table itself (a later section's error may point at it).
    static func table(_ top: TableReader) throws(ConfigError) -> TableReader {
        guard let t = try top.table("centre") else {
            throw top.error("centre", "missing: the file needs a [centre] section with name = \"...\"")
        }
        return t
    }

    static func read(_ t: TableReader) throws(ConfigError) -> CentreSettings {
        let name = try t.string("name")
        let zoneName = try t.string("time_zone", default: QueueRules.defaultTimeZone.identifier)
        guard let timeZone = TimeZone(identifier: zoneName) else {
            throw t.error("time_zone", "\(zoneName) is not a time zone name (like Asia/Ho_Chi_Minh)")
        }
        var code: String?
        if t.has("code") {
            let text = try t.string("code")
            guard (1...32).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
            else {
                throw t.error("code", "\(text) is not a centre code: 1 to 32 letters, digits, dots, dashes (like 26.0101 or XA-DONG-SON)")
            }
            code = text
        }
        try t.finish()
        return CentreSettings(name: name, timeZone: timeZone, code: code)
    }
}
