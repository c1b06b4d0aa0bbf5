import Foundation
import Glibc
import KioskDevices
import KioskTestSupport
import Testing

/// The hall under faults, with the real daemon: what the officer, the kiosk page, `/health`
/// and the log show, and that nothing is lost or doubled.
@Suite(.serialized) struct FaultTests {
    /// A serial printer that stops taking data (CTS held low; here its pseudo-terminal's
    /// output is suspended, which the kernel handles the same way): the ticket fails by its
    /// deadline and is reported, and meanwhile another counter's call reaches the display.
    @Test func aStuckSerialPrinterFailsItsTicketWhileCallsGoOn() throws {
        let port = try PseudoTerminal()
        let far = SimulatedPrinter()
        far.serve(port)
        defer { far.stop() }
        let centre = try TestCentre(
            "stuck",
            printer: """
                path = "\(port.slavePath)"
                profile = "epson-tm-t82"
                status_queries = false
                deadline_seconds = 2
                """)
        try centre.start()
        try centre.officer("an", signInAt: 1)
        #expect(try centre.request("issue A").hasPrefix("ok"), "A001 prints while the printer works")
        try eventually(5, "A001 on paper") { (try? numbersOnPaper(far.received)) == ["A001"] }

        let stall = open(port.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        defer { close(stall) }
        #expect(tcflow(stall, TCOOFF) == 0)
        let filler = [UInt8](repeating: 0x20, count: 4096)
        while filler.withUnsafeBytes({ write(stall, $0.baseAddress, $0.count) }) > 0 {}

        let stream = try HTTPConnection(port: centre.port, path: "/api/display/events")
        try stream.read("the first state") { $0.contains("event: state") }
        let issuing = Thread { _ = try? centre.request("issue B") }
        issuing.start()
        try eventually(5, "the ticket at the printer") { centre.runLog.contains("ticketIssued") && centre.runLog.contains("B001") }
        // The printer hangs; counter 1 calls the next citizen.
        let started = Date()
        #expect(try centre.request("next 1").contains("(calling "))
        try stream.read("the call of A001") { $0.contains("event: call") }
        let pushed = Date().timeIntervalSince(started)
        #expect(pushed < 1, "the call reached the display in \(Int(pushed * 1000)) ms while the printer was stuck")

        try eventually(5, "the stuck ticket failed") { centre.runLog.contains("ticket not printed") }
        #expect(centre.runLog.contains("printer stalled"))
        #expect(centre.runLog.contains("ticketVoided"), "refuse: the number is voided, not given again")
        let health = try HTTP.request(port: centre.port, "GET", "/health")
        #expect(health.body.contains("\"status\":\"degraded\"") && health.body.contains("printer stalled"), "\(health.body)")
        let page = try HTTP.request(port: centre.port, "GET", "/api/kiosk/services")
        #expect(page.body.contains("\"printerReady\":false"), "the touch page tells citizens: \(page.body)")

        tcflow(stall, TCOON)
        #expect(try centre.request("issue B").hasPrefix("ok"))
        try eventually(5, "B002 on paper") { (try? numbersOnPaper(far.received))?.last == "B002" }
        #expect(try numbersOnPaper(far.received).filter { $0 == "B001" }.count <= 1, "never twice")
        centre.stop()
    }

    /// The database cannot grow (a full disk; here its `max_size_mb`): presses print nothing
    /// and are reported, the display keeps working, `/health` says why.
    @Test func aFullDatabaseIsReportedAndPrintsNothing() throws {
        let centre = try TestCentre(
            "full",
            extra:
                "[[keypads]]\nname = \"kiosk\"\nrole = \"kiosk\"\npath = \"kiosk.keypad\"\nrate_limit_presses = 100\nkeys = { KEY_KP1 = \"A\" }"
        )
        #expect(mkfifo("\(centre.folder)/kiosk.keypad", 0o600) == 0)
        try centre.rewrite { $0.replacingOccurrences(of: "path = \"kiosk.sqlite\"", with: "path = \"kiosk.sqlite\"\nmax_size_mb = 2") }
        try centre.start()
        #expect(try centre.request("issue A").hasPrefix("ok"))
        // The disk fills up (another program writes 2 MB into the file) while the daemon runs.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = ["\(centre.folder)/kiosk.sqlite", "CREATE TABLE filler (x); INSERT INTO filler VALUES (zeroblob(2200000));"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        var refused = ""
        for _ in 0..<400 where refused.isEmpty {
            let reply = try centre.request("issue A")
            if reply.hasPrefix("error") { refused = reply }
        }
        #expect(refused.contains("database or disk is full"), "\(refused)")
        let before = try numbersOnPaper(centre.printed())
        let press = try centre.kiosk.run(["simulate", "press", "--config", centre.config, "--keypad", "kiosk", "KEY_KP1"])
        #expect(press.status == 0)
        try eventually(5, "the press refused") { centre.runLog.components(separatedBy: "key press refused").count > 1 }
        #expect(try numbersOnPaper(centre.printed()) == before, "nothing printed that the store does not hold")
        let health = try HTTP.request(port: centre.port, "GET", "/health")
        #expect(health.body.contains("\"status\":\"degraded\"") && health.body.contains("database or disk is full"), "\(health.body)")
        #expect(centre.runLog.contains("command not stored"))
        let queue = try HTTP.request(port: centre.port, "GET", "/api/queue")
        #expect(queue.status == 200, "the displays still show the queue")
        // Every ticket on paper is in the store.
        let stored = try centre.kiosk.run([
            "export", "--config", centre.config, "--from", "2000-01-01", "--to", "2100-12-31",
            "--rows", "tickets", "--format", "json",
        ])
        let rows = try JSONSerialization.jsonObject(with: stored.out) as? [[String: Any]] ?? []
        let numbers = Set(rows.compactMap { $0["number"] as? String })
        #expect(Set(before).isSubset(of: numbers) && !before.isEmpty)
        centre.stop()
    }

    /// Another program holds the database's write lock: the command fails after a short
    /// wait and says so, nothing prints, and the hall works again once the lock is gone.
    @Test func aDatabaseLockedByAnotherWriterIsReportedThenRecovers() throws {
        let centre = try TestCentre("locked")
        try centre.start()
        try centre.officer("an", signInAt: 1)
        #expect(try centre.request("issue A").hasPrefix("ok"))
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = ["\(centre.folder)/kiosk.sqlite"]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try holder.run()
        input.fileHandleForWriting.write(
            Data(".timeout 5000\nBEGIN EXCLUSIVE;\nINSERT INTO officer (id, name, created_at) VALUES ('x', 'x', 0);\n".utf8))
        // (tickets asked for before the other program has its lock print as usual)
        try eventually(30, "the other writer's lock") { (try? centre.request("issue A"))?.contains("database is locked") == true }
        let paper = try numbersOnPaper(centre.printed())
        let refused = try centre.request("issue A")
        #expect(refused.contains("not stored") && refused.contains("database is locked"), "the kiosk is told: \(refused)")
        let next = try centre.request("next 1")
        #expect(next.contains("database is locked"), "the officer is told: \(next)")
        #expect(try numbersOnPaper(centre.printed()) == paper, "nothing printed while nothing could be stored")
        let health = try HTTP.request(port: centre.port, "GET", "/health")
        #expect(health.body.contains("database is locked"), "\(health.body)")

        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        holder.waitUntilExit()
        #expect(try centre.request("next 1").contains("(calling "))
        let again = try HTTP.request(port: centre.port, "GET", "/health")
        #expect(!again.body.contains("database is locked"), "\(again.body)")
        #expect(centre.runLog.contains("database writable again"))
        centre.stop()
    }

    /// One daemon per database: a second one names the first and touches nothing.
    @Test func aSecondDaemonOnTheSameDatabaseRefusesToStart() throws {
        let centre = try TestCentre("twice")
        try centre.start()
        let first = centre.daemon!.processIdentifier
        let second = try centre.kiosk.run(["run", "--config", centre.config])
        #expect(second.status == 1)
        #expect(
            second.err.contains("another kiosk daemon is running on this database") && second.err.contains("pid \(first)"), "\(second.err)")
        #expect(FileManager.default.fileExists(atPath: "\(centre.folder)/control.sock"), "the first one's socket is untouched")
        #expect(try centre.request("issue A").hasPrefix("ok"), "the first one still serves")
        centre.stop()
        // Once it is gone (even killed), the next one starts.
        try centre.start()
        centre.kill9()
        try centre.start()
        centre.stop()
    }
}
