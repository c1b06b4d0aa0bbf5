import Foundation
import KioskCore
import KioskStore
import Testing

@testable import KioskService

@Suite struct BackupServiceTests {
    let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    @Test func theNightlyBackupKeepsTheNewestAndSaysWhenTheStickIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-nightly-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(folder)/stick", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        let settings = BackupSettings(folder: "\(folder)/stick", minuteOfDay: 22 * 60, keep: 3)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for day in 0..<5 {
            let file = try BackupService.runOnce(
                database: database, settings: settings, timeZone: zone, now: start.addingTimeInterval(Double(day) * 86_400))
            #expect(try KioskDatabase.check(path: file).isEmpty)
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/stick").sorted()
        let formatter = DateFormatter()
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd-HHmm"
        let newest = (2..<5).map { "kiosk-\(formatter.string(from: start.addingTimeInterval(Double($0) * 86_400))).sqlite" }
        #expect(kept == newest, "the three newest are kept")
        let missing = BackupSettings(folder: "\(folder)/unplugged", minuteOfDay: 0, keep: 3)
        #expect(throws: BackupError.self) { try BackupService.runOnce(database: database, settings: missing, timeZone: zone) }
    }

    @Test func theNextBackupIsAtTheLocalTimeTodayOrTomorrow() {
        // 2026-12-01 20:00 and 23:00 in Hà Nội (UTC+7).
        let evening = Date(timeIntervalSince1970: 1_796_130_000)
        let late = evening.addingTimeInterval(3 * 3600)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        #expect(formatter.string(from: BackupService.next(after: evening, minuteOfDay: 22 * 60, in: zone)) == "2026-12-01T22:00:00+07:00")
        #expect(formatter.string(from: BackupService.next(after: late, minuteOfDay: 22 * 60, in: zone)) == "2026-12-02T22:00:00+07:00")
    }

    @Test func aBackupTimeThatIsNoTimeNamesItsLine() throws {
        let text =
            "[centre]\nname = \"X\"\n[backup]\nfolder = \"/media/usb\"\ntime = \"25:00\"\n[[services]]\ncode = \"A\"\nname = \"A\"\n[[counters]]\nnumber = 1\nservices = [\"A\"]\n"
        #expect { try ConfigLoader.parse(text, file: "/etc/kiosk/kiosk.toml") } throws: { error in
            "\(error)".contains("/etc/kiosk/kiosk.toml:5: backup.time: 25:00 is not a time of day")
        }
    }
}
