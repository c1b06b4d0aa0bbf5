import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How the box's sync to the province stands, for the log, `/health` and `/metrics`. The
/// sync service writes it; the pages only read it. Nil status: no `[province]` configured.
public final class ProvinceLink: Sendable {
    public struct Status: Sendable, Codable, Equatable {
        public enum State: String, Sendable, Codable {
            /// Trying to reach the server (at the start, and after each failure).
            case connecting
            /// Sending, or waiting for new events with everything sent.
            case connected
            /// The server is away or refused: the box keeps working and tries again later.
            case offline
        }

        public var state: State
        /// The server, without its password.
        public var server: String
        /// The box's last event the province holds (its sequence number; 0 before the first contact).
        public var position: Int64
        /// Events this box holds that the province does not have yet.
        public var eventsBehind: Int
        /// How old the oldest of them is; 0 when nothing is behind.
        public var secondsBehind: Double
        /// Events the province has accepted since the daemon started.
        public var eventsSent: Int
        public var lastError: String?
        /// When the province last accepted a batch (or confirmed it had everything).
        public var lastSuccess: Date?
    }

    private let status: Mutex<Status?>
    /// Where the sync (`kiosk-province sync`, a process of its own) leaves its state for the
    /// daemon's `/health` and `/metrics`.
    private let file: String?
    private let reading: Bool
    private let written = Mutex<(at: Double, state: Status.State?, error: String?)>((0, nil, nil))

    /// The sync's side: the status in memory, and in `statusFile` when given.
    public init(server: String? = nil, statusFile: String? = nil) {
        status = Mutex(server.map { Status(state: .connecting, server: $0, position: 0, eventsBehind: 0, secondsBehind: 0, eventsSent: 0) })
        file = statusFile
        reading = false
    }

    /// The daemon's side: the status the sync last wrote. No file, or one not rewritten for
    /// three minutes (the sync writes at least every minute), means the sync is not running.
    public init(readingFrom statusFile: String, server: String) {
        status = Mutex(
            Status(
                state: .offline, server: server, position: 0, eventsBehind: 0, secondsBehind: 0, eventsSent: 0,
                lastError: "the sync is not running (systemctl status kiosk-province)"))
        file = statusFile
        reading = true
    }

    public var current: Status? {
        guard reading, let file else { return status.withLock { $0 } }
        let fallback = status.withLock { $0 }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let modified = attributes[.modificationDate] as? Date,
            let data = FileManager.default.contents(atPath: file),
            var found = try? JSONDecoder().decode(Status.self, from: data)
        else { return fallback }
        let age = Date().timeIntervalSince(modified)
        if age > 180 {
            found.state = .offline
            found.lastError = "the sync has not reported for \(Int(age)) s (systemctl status kiosk-province)"
        }
        return found
    }

    public func update(_ body: (inout Status) -> Void) {
        let changed: Status? = status.withLock { value in
            guard var s = value else { return nil }
            body(&s)
            value = s
            return s
        }
        guard let changed, let file, !reading else { return }
        // Written when the state or the error changes, otherwise at most once a second.
        let now = Date().timeIntervalSince1970
        let due = written.withLock { last in
            guard now - last.at >= 1 || last.state != changed.state || last.error != changed.lastError else { return false }
            last = (now, changed.state, changed.lastError)
            return true
        }
        guard due, let data = try? JSONEncoder().encode(changed) else { return }
        // A new file renamed over the old: the daemon never reads half of one.
        let temporary = file + ".new"
        if FileManager.default.createFile(atPath: temporary, contents: data) { _ = rename(temporary, file) }
    }
}
