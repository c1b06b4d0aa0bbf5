import Foundation
import Synchronization

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

    public init(server: String? = nil) {
        status = Mutex(server.map { Status(state: .connecting, server: $0, position: 0, eventsBehind: 0, secondsBehind: 0, eventsSent: 0) })
    }

    public var current: Status? { status.withLock { $0 } }

    public func update(_ body: (inout Status) -> Void) {
        status.withLock { value in
            guard var s = value else { return }
            body(&s)
            value = s
        }
    }
}
