import Foundation
import Glibc
import KioskRuntime
import KioskTestSupport
import Testing

/// systemd's notification protocol, as the daemon speaks it to a datagram socket set as
/// `NOTIFY_SOCKET`, the way systemd itself listens.
@Suite(.serialized) struct SystemdNotifyTests {
    /// A datagram socket like systemd's: every message, with when it came.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        let fd: Int32
        private let lock = NSLock()
        private var received: [(at: ContinuousClock.Instant, text: String)] = []
        private var open = true

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestFailure("cannot bind \(path)") }
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while lock.withLock({ open }) {
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&pfd, 1, 100) > 0 else { continue }
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n > 0 {
                        let text = String(decoding: buffer[0..<n], as: UTF8.self)
                        lock.withLock { received.append((.now, text)) }
                    }
                }
            }.start()
        }

        var messages: [(at: ContinuousClock.Instant, text: String)] { lock.withLock { received } }

        func close() {
            lock.withLock { open = false }
            Glibc.close(fd)
        }
    }

    @Test func readyWatchdogOnlyWhileTheEngineAnswersThenStopping() throws {
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-notify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = freeLocalPort()
        let file = try writeCentreWithAMissingKeypad(in: folder, port: port)
        let notify = try NotifySocket(path: "\(folder)/notify.sock")
        defer { notify.close() }
        setenv("NOTIFY_SOCKET", notify.path, 1)
        setenv("WATCHDOG_USEC", "400000", 1)
        defer {
            unsetenv("NOTIFY_SOCKET")
            unsetenv("WATCHDOG_USEC")
        }
        let daemon = try kiosk.start(["run", "--config", file], log: "\(folder)/daemon.log")
        defer { if daemon.isRunning { daemon.terminate() } }

        try eventually(20, "READY=1") { notify.messages.contains { $0.text.hasPrefix("READY=1") } }
        let ready = notify.messages.first { $0.text.hasPrefix("READY=1") }!
        #expect(ready.text.contains("STATUS=1/2 devices ok (down: keypad kiosk), 0 tickets today, 0 waiting"), "\(ready.text)")
        // The HTTP port is bound by then.
        #expect((try? HTTPConnection.get(port: port, path: "/health")) != nil)
        try eventually(5, "three watchdog pings") { notify.messages.filter { $0.text.hasPrefix("WATCHDOG=1") }.count >= 3 }

        // Another program holds the database's write lock (6 s: longer than the engine's 2 s
        // wait, however slow the machine is to start the client); a ticket asked for meanwhile
        // keeps the engine waiting: no ping goes out while it waits.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(6)
            """, "\(folder)/kiosk.sqlite",
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        _ = out.fileHandleForReading.availableData  // "locked"
        let blocked = ContinuousClock.now
        let issue = try kiosk.run(["counter", "--config", file, "issue", "A"])
        let unblocked = ContinuousClock.now
        #expect(unblocked - blocked > .milliseconds(1500), "the engine waited for the lock")
        #expect(String(decoding: issue.out, as: UTF8.self).contains("not stored"))
        let pingsWhileBlocked = notify.messages.filter {
            $0.text.hasPrefix("WATCHDOG=1") && $0.at > blocked + .milliseconds(450) && $0.at < unblocked - .milliseconds(100)
        }
        #expect(pingsWhileBlocked.isEmpty, "no watchdog ping while the engine could not answer")
        holder.waitUntilExit()
        let after = notify.messages.count
        try eventually(5, "pings again once the engine answers") {
            notify.messages.dropFirst(after).contains { $0.text.hasPrefix("WATCHDOG=1") }
        }

        daemon.terminate()
        daemon.waitUntilExit()
        try eventually(5, "STOPPING=1") { notify.messages.contains { $0.text.hasPrefix("STOPPING=1") } }
        // Watchdog pings came at about half the interval while all was well.
        let pings = notify.messages.filter { $0.text.hasPrefix("WATCHDOG=1") }.map(\.at)
        let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }.filter { $0 < .seconds(1) }
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0 > .milliseconds(150) && $0 < .milliseconds(400) }, "\(gaps)")
    }
}

@Suite(.serialized) struct JournalPriorityTests {
    /// Under systemd, standard error is the journal's stream and each line carries its priority.
    @Test func linesCarryTheirSyslogPriorityWhenStandardErrorIsTheJournal() throws {
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = try writeCentreWithAMissingKeypad(in: folder, port: freeLocalPort())
        let log = "\(folder)/journal.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        var info = stat()
        fstat(handle.fileDescriptor, &info)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kiosk.path)
        process.arguments = ["run", "--config", file]
        process.environment = ProcessInfo.processInfo.environment.merging(["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]) { $1 }
        process.standardError = handle
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try eventually(20, "the daemon's lines") { text().contains("hall display ready") && text().contains("keypad unavailable") }
        let lines = text().split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>hall display ready") }, "info is priority 6")
        #expect(lines.contains { $0.hasPrefix("<4>keypad unavailable, retrying") }, "a warning is priority 4")
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "every line has a priority")
    }
}

/// A centre with one service, no printer and a kiosk keypad that is not there (so READY waits
/// for one device that is tried and found missing, and the log has a warning): its config file.
func writeCentreWithAMissingKeypad(in folder: String, port: Int) throws -> String {
    let file = "\(folder)/centre.toml"
    try """
    [centre]
    name = "Thử"
    [database]
    path = "kiosk.sqlite"
    [http]
    bind = "127.0.0.1:\(port)"
    [control]
    socket = "control.sock"
    [[services]]
    code = "A"
    name = "Chứng thực"
    prefix = "A"
    [[counters]]
    number = 1
    services = ["A"]
    [[keypads]]
    name = "kiosk"
    role = "kiosk"
    path = "\(folder)/missing-keypad"
    [keypads.keys]
    KEY_KP1 = "A"
    """.write(toFile: file, atomically: true, encoding: .utf8)
    return file
}
