import Foundation
import KioskStore
import Logging
import Synchronization

/// How full the database is against `[database] max_size_mb`, where one is set. At 80 % and
/// at 95 % it says so in the log (once per level), in `/health` and on the devices page, well
/// before the cap refuses anything: then every citizen's ticket would be refused.
public final class DatabaseSpace: Sendable {
    public struct Reading: Sendable, Encodable, Equatable {
        public var usedMB: Double
        public var maxMB: Int
        public var percent: Double
        /// 0 below 80 %, 80 or 95 at or above them.
        public var level: Int
        public var warning: String?
    }

    public static let levels = [95, 80]
    /// A reading is taken after a store at most this often (or every `everyStores` stores).
    static let interval: TimeInterval = 30
    static let everyStores = 20

    private let database: KioskDatabase
    private let logger: Logger
    private let state = Mutex<(reading: Reading?, checkedAt: Date, stores: Int)>((nil, .distantPast, 0))

    public init(database: KioskDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// After a store: reads the size now and then, and warns when a level is reached.
    public func noteStore(at now: Date = Date()) {
        let due = state.withLock { s -> Bool in
            s.stores += 1
            guard s.stores >= Self.everyStores || now.timeIntervalSince(s.checkedAt) >= Self.interval else { return false }
            s.stores = 0
            s.checkedAt = now
            return true
        }
        if due { _ = check() }
    }

    /// The size now (nil without a cap, or when it cannot be read), logging a level reached.
    @discardableResult
    public func check() -> Reading? {
        guard let maxMB = database.maxSizeMB, maxMB > 0, let used = try? database.bytesUsed() else { return nil }
        let percent = Double(used) / Double(maxMB * 1_048_576) * 100
        let level = Self.levels.first { percent >= Double($0) } ?? 0
        let usedMB = (Double(used) / 1_048_576 * 10).rounded() / 10
        let warning =
            level == 0
            ? nil
            : "Cơ sở dữ liệu đã dùng \(Int(percent)) % dung lượng cho phép (\(usedMB) / \(maxMB) MB): khi đầy, máy sẽ không cấp phiếu. "
                + "Hãy tăng max_size_mb hoặc chuyển dữ liệu cũ đi. (The database holds \(Int(percent)) % of max_size_mb: at 100 % tickets are refused.)"
        let reading = Reading(usedMB: usedMB, maxMB: maxMB, percent: (percent * 10).rounded() / 10, level: level, warning: warning)
        let previous = state.withLock { s -> Int in
            let old = s.reading?.level ?? 0
            s.reading = reading
            return old
        }
        if level > previous {
            logger.log(
                level: level >= 95 ? .critical : .warning, "the database is filling up: at 100 % of max_size_mb every ticket is refused",
                metadata: ["percent": "\(Int(percent))", "used_mb": "\(usedMB)", "max_size_mb": "\(maxMB)"])
        }
        return reading
    }

    /// The last reading (none before the first check).
    public var last: Reading? { state.withLock { $0.reading } }
}
