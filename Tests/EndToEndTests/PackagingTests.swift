import Foundation
import Testing

/// What the Debian package ships, checked without building it: the unit passes
/// `systemd-analyze verify` and `security`, and the conffile is a valid configuration.
@Suite struct PackagingTests {
    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theUnitVerifiesAndIsHardened() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            Issue.record("systemd-analyze is not installed: scripts/test installs it (apt-get install systemd)")
            return
        }
        let kiosk = try KioskBinary()
        // The unit as installed, but starting this build's binary (verify checks that it exists).
        let unit = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: unit, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: unit) }
        let text = try String(contentsOfFile: "packaging/systemd/kiosk.service", encoding: .utf8)
        #expect(text.contains("Type=notify") && text.contains("WatchdogSec=") && text.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        // Booted under a real systemd, a filter denying @resources killed the daemon at start
        // (SIGSYS on setpriority, which libdispatch calls for its threads).
        let denied = text.split(separator: "\n").filter { $0.hasPrefix("SystemCallFilter=~") }
        #expect(!denied.contains { $0.contains("@resources") }, "setpriority must stay allowed")
        let file = unit.appendingPathComponent("kiosk.service").path
        try text.replacingOccurrences(of: "/usr/bin/kiosk", with: kiosk.path).write(toFile: file, atomically: true, encoding: .utf8)
        let verify = try run(analyze, ["verify", file])
        #expect(verify.status == 0 && verify.text.isEmpty, "systemd-analyze verify: \(verify.text)")
        let security = try run(analyze, ["security", "--offline=true", file])
        let exposure = security.text.components(separatedBy: "Overall exposure level for kiosk.service: ").last?
            .split(separator: " ").first.flatMap { Double($0) }
        #expect((exposure ?? 10) <= 2.0, "exposure \(exposure ?? -1): \(security.text.suffix(400))")
    }

    /// The province's sync: its own unit, below the hall in priority, as hardened.
    @Test func theSyncsUnitVerifiesAndIsHardened() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            Issue.record("systemd-analyze is not installed: scripts/test installs it (apt-get install systemd)")
            return
        }
        let province = try KioskBinary("kiosk-province")
        let unit = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: unit, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: unit) }
        let text = try String(contentsOfFile: "packaging/systemd/kiosk-province.service", encoding: .utf8)
        #expect(text.contains("Nice=10") && text.contains("IOSchedulingClass=idle"))
        let file = unit.appendingPathComponent("kiosk-province.service").path
        try text.replacingOccurrences(of: "/usr/bin/kiosk-province", with: province.path).write(
            toFile: file, atomically: true, encoding: .utf8)
        let verify = try run(analyze, ["verify", file])
        #expect(verify.status == 0 && verify.text.isEmpty, "systemd-analyze verify: \(verify.text)")
        let security = try run(analyze, ["security", "--offline=true", file])
        let exposure = security.text.components(separatedBy: "Overall exposure level for kiosk-province.service: ").last?
            .split(separator: " ").first.flatMap { Double($0) }
        #expect((exposure ?? 10) <= 2.0, "exposure \(exposure ?? -1): \(security.text.suffix(400))")
        // Without [province] it says so and ends, so the unit is simply inactive.
        let idle = try province.run(["sync", "--config", "packaging/etc/kiosk.toml"])
        #expect(idle.status == 0 && idle.err.contains("no [province] in the config"), "\(idle.err)")
    }

    @Test func theShippedConfigurationIsValid() throws {
        let kiosk = try KioskBinary()
        let check = try kiosk.run(["check-config", "packaging/etc/kiosk.toml"])
        #expect(check.status == 0, "\(check.err)")
        #expect(String(decoding: check.out, as: UTF8.self).contains("database: /var/lib/kiosk/kiosk.sqlite"))
    }
}
