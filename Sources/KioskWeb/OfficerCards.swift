import Foundation
import KioskCore
import KioskStore
import Synchronization

/// The name and photo of the officer signed in at a counter, for the counter screens, as
/// one-stop counters show their receiving officer. Names come from the database, kept for a
/// minute (a snapshot is built on every queue change); photos are files an admin puts in
/// `[display] photos`, looked for each time.
final class OfficerCards: Sendable {
    struct Card: Equatable {
        var name: String
        /// The photo file, when there is one.
        var photo: String?
    }

    private let database: KioskDatabase
    private let photos: String?
    private let names = Mutex<(loaded: ContinuousClock.Instant, byID: [String: String])?>(nil)

    init(database: KioskDatabase, photos: String?) {
        self.database = database
        self.photos = photos
    }

    func card(_ id: OfficerID) -> Card? {
        guard let name = name(id) else { return nil }
        return Card(name: name, photo: photoFile(id))
    }

    private func name(_ id: OfficerID) -> String? {
        let now = ContinuousClock.now
        if let known = names.withLock({ cached in
            cached.flatMap { now - $0.loaded < .seconds(60) ? $0.byID[id.rawValue] : nil }
        }) {
            return known
        }
        // A miss or an old list: read them all again (a few dozen rows).
        guard let officers = try? database.officers() else { return nil }
        let byID = Dictionary(officers.map { ($0.id.rawValue, $0.name) }, uniquingKeysWith: { first, _ in first })
        names.withLock { $0 = (now, byID) }
        return byID[id.rawValue]
    }

    /// `<folder>/<id>.jpg` or `.png`; ids with anything but letters, digits, `.`, `_` and `-`
    /// (or starting with a dot) have none, so no id can name a file outside the folder.
    private func photoFile(_ id: OfficerID) -> String? {
        guard let photos, let first = id.rawValue.first, first != ".",
            id.rawValue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { return nil }
        return ["jpg", "jpeg", "png"].map { "\(photos)/\(id.rawValue).\($0)" }.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// A short token that changes with the officer, so the screen reloads the photo when
    /// someone else signs in at the same counter (FNV-1a).
    static func token(_ id: OfficerID) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in id.rawValue.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return String(hash, radix: 16)
    }
}
