import Foundation
import Synchronization

/// The health of each device (and of the database), as the log, `/health` and the
/// installer see it. Set from any thread without waiting: a report never holds up the
/// device that makes it.
public final class DeviceHealth: Sendable {
    public enum State: String, Sendable, Codable {
        case ok
        /// Not there, or it failed: the daemon keeps retrying.
        case unavailable
        /// Its state cannot be known now: not tried yet, or a printer that does not answer
        /// status queries (a file, a printer without a back channel).
        case unknown
    }

    public struct Entry: Sendable, Codable, Equatable {
        public var device: String
        public var path: String
        public var state: State
        public var detail: String?
        public var since: Date
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    public func set(_ device: String, path: String, _ state: State, detail: String? = nil, at: Date = Date()) {
        entries.withLock { entries in
            if let old = entries[device], old.state == state, old.detail == detail { return }
            entries[device] = Entry(device: device, path: path, state: state, detail: detail, since: at)
        }
    }

    public var all: [Entry] { entries.withLock { $0.values.sorted { $0.device < $1.device } } }

    public func entry(_ device: String) -> Entry? { entries.withLock { $0[device] } }
}
