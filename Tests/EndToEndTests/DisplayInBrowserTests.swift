import Foundation
import KioskTestSupport
import Testing

/// The hall display as a TV's browser shows it: headless Chromium (Debian's `chromium`,
/// installed by scripts/test) loads /display while numbers are called.
@Suite(.serialized) struct DisplayInBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What the page's DOM holds after its scripts ran for a few seconds.
    func dom(_ url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        // --timeout ends the load while the live stream stays open; as root Chromium needs --no-sandbox.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--timeout=4000", "--dump-dom", url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func theTVShowsTheCalledNumberAndItsCounter() throws {
        guard Self.chromium != nil else {
            Issue.record("chromium is not installed: scripts/test installs it (apt-get install chromium)")
            return
        }
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-tv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
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
        [[services]]
        code = "A"
        name = "Chứng thực"
        prefix = "A"
        [[services]]
        code = "B"
        name = "Hộ tịch"
        first_number = 1001
        last_number = 1999
        [[counters]]
        number = 1
        services = ["A"]
        [[counters]]
        number = 2
        services = ["B"]
        """.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try kiosk.run(["officer", "add", "--config", file, "an", "An"])
        _ = try kiosk.run(["officer", "add", "--config", file, "binh", "Bình"])
        let log = "\(folder)/daemon.log"
        let daemon = try kiosk.start(["run", "--config", file], log: log)
        defer { if daemon.isRunning { daemon.terminate() } }
        try eventually(20, "the daemon") { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("hall display ready") }
        for request in ["issue A", "issue B", "issue B"] {
            _ = try kiosk.run(["counter", "--config", file] + request.split(separator: " ").map(String.init))
        }
        _ = try kiosk.run(["officer", "sign-in", "--config", file, "--counter", "1", "an"])
        _ = try kiosk.run(["officer", "sign-in", "--config", file, "--counter", "2", "binh"])
        _ = try kiosk.run(["counter", "--config", file, "next", "1"])

        let first = try dom("http://127.0.0.1:\(port)/display")
        #expect(first.contains(#"id="latest-number">A001<"#))
        #expect(first.contains(#"id="latest-counter">đến Quầy số 1<"#))
        #expect(first.contains("Trung tâm Phục vụ hành chính công xã Tân Phú"))

        _ = try kiosk.run(["counter", "--config", file, "next", "2"])
        let second = try dom("http://127.0.0.1:\(port)/display")
        #expect(second.contains(#"id="latest-number">1001<"#), "the newest call is the big one")
        #expect(
            second.contains("<td>A001</td><td class=\"arrow\">→</td><td>Quầy số 1</td>"), "the earlier call stays listed with its counter")
        #expect(second.contains("<span>Hộ tịch</span><b>1</b>"), "one ticket still waits for Hộ tịch")

        // A picture for a person to look at.
        let shots = FileManager.default.currentDirectoryPath + "/.build/screenshots"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let shot = Process()
        shot.executableURL = URL(fileURLWithPath: Self.chromium!)
        shot.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--timeout=4000", "--window-size=1920,1080",
            "--screenshot=\(shots)/display.png", "http://127.0.0.1:\(port)/display",
        ]
        shot.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        shot.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try shot.run()
        shot.waitUntilExit()
        let png = try Data(contentsOf: URL(fileURLWithPath: "\(shots)/display.png"))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }
}
