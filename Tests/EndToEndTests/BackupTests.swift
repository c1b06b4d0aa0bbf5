import Foundation
import Glibc
import KioskTestSupport
import Synchronization
import Testing

/// Backups while the hall works, and restores that refuse what they must.
@Suite(.serialized) struct BackupTests {
    @Test func aBackupDuringPressesHoldsEveryAcknowledgedTicket() throws {
        let centre = try TestCentre("backup", printer: "path = \"printer.bin\"\nprofile = \"epson-tm-t82\"")
        defer { centre.stop() }
        try centre.start()
        // Tickets asked for one after the other, each answered (stored) before the next.
        let acknowledged = Mutex<[(at: ContinuousClock.Instant, number: String)]>([])
        let pressing = Mutex(true)
        let presser = Thread {
            while pressing.withLock({ $0 }) {
                guard let reply = try? centre.request("issue A"), reply.hasPrefix("ok") else { continue }
                let count = acknowledged.withLock { $0.count }
                acknowledged.withLock { $0.append((.now, String(format: "A%03d", count + 1))) }
            }
        }
        presser.start()
        try eventually(10, "some tickets") { acknowledged.withLock { $0.count } >= 30 }
        let began = ContinuousClock.now
        let copy = "\(centre.folder)/copy.sqlite"
        let backup = try centre.kiosk.run(["backup", "--config", centre.config, "--to", copy])
        let ended = ContinuousClock.now
        try eventually(10, "more tickets after") { acknowledged.withLock { $0.last?.at ?? began } > ended }
        pressing.withLock { $0 = false }
        #expect(backup.status == 0, "\(backup.err)")
        #expect(String(decoding: backup.out, as: UTF8.self).contains("backup written to \(copy)"))

        #expect(try sqlite(copy, "PRAGMA integrity_check") == "ok")
        let inCopy = Set(try sqlite(copy, "SELECT display FROM ticket").split(separator: "\n").map(String.init))
        let before = acknowledged.withLock { $0 }.filter { $0.at < began }.map(\.number)
        #expect(before.count >= 30)
        #expect(before.allSatisfy { inCopy.contains($0) }, "every ticket acknowledged before the backup began is in it")
        #expect(!FileManager.default.fileExists(atPath: copy + ".partial"))

        // An existing file is never overwritten.
        let again = try centre.kiosk.run(["backup", "--config", centre.config, "--to", copy])
        #expect(again.status != 0 && again.err.contains("exists already"))
    }

    @Test func restoreRefusesARunningDaemonAndABadFileThenRestores() throws {
        let centre = try TestCentre("restore")
        defer { centre.stop() }
        try centre.start()
        for _ in 0..<3 { #expect(try centre.request("issue A").hasPrefix("ok")) }
        let copy = "\(centre.folder)/three.sqlite"
        #expect(try centre.kiosk.run(["backup", "--config", centre.config, "--to", copy]).status == 0)
        for _ in 0..<2 { #expect(try centre.request("issue A").hasPrefix("ok")) }

        let running = try centre.kiosk.run(["restore", "--config", centre.config, "--from", copy])
        #expect(running.status != 0)
        #expect(running.err.contains("another kiosk daemon is running on this database"), "\(running.err)")
        centre.stop()

        let garbage = "\(centre.folder)/garbage.sqlite"
        try Data("not a database at all, just text".utf8).write(to: URL(fileURLWithPath: garbage))
        let bad = try centre.kiosk.run(["restore", "--config", centre.config, "--from", garbage])
        #expect(bad.status != 0 && bad.err.contains("is not a good backup"), "\(bad.err)")
        // A backup from a newer version (a migration this one does not know) is refused too.
        let newer = "\(centre.folder)/newer.sqlite"
        try FileManager.default.copyItem(atPath: copy, toPath: newer)
        _ = try sqlite(newer, "INSERT INTO grdb_migrations VALUES ('v99: from the future')")
        let future = try centre.kiosk.run(["restore", "--config", centre.config, "--from", newer])
        #expect(future.status != 0 && future.err.contains("made by a newer version"), "\(future.err)")

        let restored = try centre.kiosk.run(["restore", "--config", centre.config, "--from", copy])
        #expect(restored.status == 0, "\(restored.err)")
        let said = String(decoding: restored.out, as: UTF8.self)
        #expect(said.contains("3 tickets"))
        let aside = try #require(said.components(separatedBy: "is kept as ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try sqlite(aside, "SELECT COUNT(*) FROM ticket") == "5", "the replaced database, with its log, is kept whole")
        // The daemon starts on the restored day: the next number follows the backup's last.
        try centre.start()
        #expect(try centre.request("issue A").contains("ok"))
        #expect(try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT display FROM ticket ORDER BY id DESC LIMIT 1") == "A004")
    }
}
