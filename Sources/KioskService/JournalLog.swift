import Foundation
import Logging

/// Log lines for systemd's journal: under systemd (`JOURNAL_STREAM` set) each line on standard
/// error starts with its syslog priority (`<4>` for a warning), which journald reads, so
/// `journalctl -u kiosk -p warning` shows exactly the problems. Elsewhere, swift-log's usual lines.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    /// systemd.exec(5): `JOURNAL_STREAM` names the journal's stream as `device:inode`; it counts
    /// only if standard error is that stream (a child started from a service inherits the variable).
    static var underSystemd: Bool {
        guard let stream = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return stream == "\(info.st_dev):\(info.st_ino)"
    }

    public static func bootstrap(level: Logger.Level) {
        if underSystemd {
            LoggingSystem.bootstrap { JournalLogHandler(logLevel: level, label: $0) }
        } else {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// sd-daemon(3)'s priorities.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // One journal entry per line: a newline inside a message would split it.
        let text = "\(event.message)".replacingOccurrences(of: "\n", with: " ⏎ ")
        let line = "<\(Self.priority(event.level))>\(text)\(fields.isEmpty ? "" : " \(fields)")\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
