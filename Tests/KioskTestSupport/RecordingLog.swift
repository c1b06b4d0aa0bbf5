import Logging
import Synchronization

/// A log that keeps what it is told, so a test can check what an installer would read in
/// the journal: the message, its level and its metadata.
public final class RecordingLog: Sendable {
    public struct Line: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    public init() {}

    public var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    public var all: [Line] { lines.withLock { $0 } }

    public func lines(_ message: String) -> [Line] { all.filter { $0.message == message } }

    fileprivate func record(_ line: Line) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let log: RecordingLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.record(Line(level: event.level, message: "\(event.message)", metadata: all.mapValues { "\($0)" }))
        }
    }
}
