import Foundation
import KioskDevices
import KioskTestSupport
import Testing

/// The staff pages in headless Chromium, end to end with the real daemon: see
/// `Tests/Browser/staff_pages.py` (Playwright, installed by scripts/test into .build/browser-venv).
@Suite(.serialized) struct StaffPagesInBrowserTests {
    static var python: String? {
        let candidates = [ProcessInfo.processInfo.environment["KIOSK_BROWSER_PYTHON"], ".build/browser-venv/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func adminOfficerDisplayAndLeaderInBrowsers() throws {
        guard let python = Self.python else {
            Issue.record("Playwright is not installed: scripts/test installs it into .build/browser-venv")
            return
        }
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-staff-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = freeLocalPort()
        let file = "\(folder)/centre.toml"
        try """
        [centre]
        name = "Trung tâm Phục vụ hành chính công xã Tân Phú"
        [database]
        path = "kiosk.sqlite"
        [http]
        bind = "127.0.0.1:\(port)"
        [control]
        socket = "control.sock"
        [accounts]
        bcrypt_cost = 10
        [display]
        photos = "photos"
        [[services]]
        code = "A"
        name = "Chứng thực"
        prefix = "A"
        [[counters]]
        number = 1
        services = ["A"]
        [[counters]]
        number = 2
        services = ["A"]
        """.write(toFile: file, atomically: true, encoding: .utf8)
        // The officer the admin is about to create has a photo waiting (a drawn stand-in, 120×160).
        try FileManager.default.createDirectory(atPath: "\(folder)/photos", withIntermediateDirectories: true)
        var photo = MonoBitmap(width: 120, height: 160)
        for y in 0..<160 {
            for x in 0..<120 where (x - 60) * (x - 60) + (y - 60) * (y - 60) < 900 || (y > 100 && abs(x - 60) < y - 70) {
                photo[x, y] = true
            }
        }
        try PNGWriter.png(photo).write(to: URL(fileURLWithPath: "\(folder)/photos/le.thi.cuc.png"))
        let admin = try kiosk.run(
            ["account", "add", "--config", file, "--role", "admin", "--password-stdin", "admin", "Quản Trị Viên"],
            input: "admin-password-1\n")
        #expect(admin.status == 0, "\(admin.err)")
        _ = try kiosk.run(
            ["account", "add", "--config", file, "--role", "leader", "--password-stdin", "leader", "Lãnh Đạo"],
            input: "leader-password-1\n")
        let log = "\(folder)/daemon.log"
        let daemon = try kiosk.start(["run", "--config", file], log: log)
        defer { if daemon.isRunning { daemon.terminate() } }
        try eventually(20, "the daemon") { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("hall display ready") }
        for _ in 0..<3 { _ = try kiosk.run(["counter", "--config", file, "issue", "A"]) }

        let shots = ".build/screenshots"
        let download = "\(folder)/from-the-page.xlsx"
        let scenario = Process()
        scenario.executableURL = URL(fileURLWithPath: python)
        scenario.arguments = ["Tests/Browser/staff_pages.py", "http://127.0.0.1:\(port)", shots, download]
        scenario.environment = ProcessInfo.processInfo.environment.merging(
            ["ADMIN_PASSWORD": "admin-password-1", "LEADER_PASSWORD": "leader-password-1"]) { $1 }
        let out = Pipe()
        scenario.standardOutput = out
        scenario.standardError = out
        try scenario.run()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        scenario.waitUntilExit()
        #expect(scenario.terminationStatus == 0, "the browser scenario failed:\n\(said)")
        guard scenario.terminationStatus == 0 else { return }
        for page in ["login", "accounts", "officer", "display", "dashboard", "reports", "audit", "devices"] {
            #expect(FileManager.default.fileExists(atPath: "\(shots)/\(page).png"), "screenshot of \(page)")
        }

        // The workbook from the page opens in LibreOffice with the figures `kiosk export` gives.
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let cli = "\(folder)/from-the-cli.xlsx"
        let export = try kiosk.run([
            "export", "--config", file, "--period", "\(year)", "--by", "officer",
            "--format", "xlsx", "--out", cli,
        ])
        #expect(export.status == 0, "\(export.err)")
        let fromPage = try LibreOffice.sheetsAsCSV(download, into: "\(folder)/page")
        let fromCLI = try LibreOffice.sheetsAsCSV(cli, into: "\(folder)/cli")
        #expect(fromPage["Tổng hợp"] != nil && fromPage == fromCLI)
        let summary = fromPage["Tổng hợp"] ?? []
        #expect(summary.contains { $0.hasPrefix("le.thi.cuc,Lê Thị Cúc,") && $0.contains(",2,") }, "\(summary)")

        // Who did what: the officer's calls from the page are in the audit log with their name.
        let audit = try kiosk.run(["account", "list", "--config", file])
        #expect(String(decoding: audit.out, as: UTF8.self).contains("le.thi.cuc\tofficer\tLê Thị Cúc\tactive"))
        daemon.terminate()
        daemon.waitUntilExit()
        let events = try sqlite("\(folder)/kiosk.sqlite", "SELECT actor || ' ' || kind FROM event WHERE actor IS NOT NULL ORDER BY seq")
        for line in [
            "admin audit.accountAdded", "le.thi.cuc officerSignedIn", "le.thi.cuc ticketCalled", "le.thi.cuc ticketFinished",
            "leader audit.exportDownloaded",
        ] {
            #expect(events.contains(line), "\(line) in the event log")
        }
    }
}
