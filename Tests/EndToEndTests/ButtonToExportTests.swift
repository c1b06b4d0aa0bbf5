import Foundation
import Glibc
import KioskDevices
import KioskTestSupport
import Testing

/// The whole path with the real binary: a kiosk key prints a ticket, an officer's "next"
/// calls it on the display stream, the citizen's rating is stored against the officer, and
/// the admin's export counts it.
@Suite(.serialized) struct ButtonToExportTests {
    @Test func aPressBecomesATicketACallARatingAndAnExportRow() throws {
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let port = freeLocalPort()
        let config = "\(folder)/centre.toml"
        try """
        [centre]
        name = "Trung tâm Phục vụ hành chính công xã Thử Nghiệm"
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
        [[counters]]
        number = 2
        services = ["A"]
        [printer]
        path = "printer.bin"
        profile = "epson-tm-t82"
        [[keypads]]
        name = "kiosk"
        role = "kiosk"
        path = "kiosk.keypad"
        keys = { KEY_KP1 = "A" }
        [[keypads]]
        name = "officer-1"
        role = "officer"
        counter = 1
        path = "officer-1.keypad"
        keys = { KEY_KPENTER = "next", KEY_KPASTERISK = "finish" }
        [[keypads]]
        name = "rating-1"
        role = "rating"
        counter = 1
        path = "rating-1.keypad"
        keys = { KEY_KP1 = 1, KEY_KP2 = 2, KEY_KP3 = 3 }
        [[keypads]]
        name = "rating-2"
        role = "rating"
        counter = 2
        path = "rating-2.keypad"
        keys = { KEY_KP1 = 1, KEY_KP2 = 2, KEY_KP3 = 3 }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        for keypad in ["kiosk", "officer-1", "rating-1", "rating-2"] {
            #expect(mkfifo("\(folder)/\(keypad).keypad", 0o600) == 0)
        }
        let added = try kiosk.run(["officer", "add", "--config", config, "an", "Nguyễn Văn An"])
        #expect(added.status == 0, "\(added.err)")

        let log = "\(folder)/daemon.log"
        let daemon = try kiosk.start(["run", "--config", config], log: log)
        defer { if daemon.isRunning { daemon.terminate() } }
        func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try eventually(20, "the daemon's web server") { logText().contains("hall display ready") }
        try eventually(5, "the keypads") { logText().components(separatedBy: "keypad ready").count == 5 }

        // The display's live stream, as the hall TV opens it.
        let stream = try HTTPConnection(port: port, path: "/api/display/events")
        try stream.read("the first state") { $0.contains("event: state") }
        #expect(stream.text.contains("text/event-stream"))

        // A citizen presses the kiosk's first key: the printer receives the ticket.
        let press = try kiosk.run(["simulate", "press", "--config", config, "--keypad", "kiosk", "KEY_KP1"])
        #expect(press.status == 0, "\(press.err)")
        let printerFile = "\(folder)/printer.bin"
        try eventually(10, "the ticket's bytes") { (try? Data(contentsOf: URL(fileURLWithPath: printerFile)))?.count ?? 0 > 0 }
        let printed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: printerFile)))
        let startsRight = Array(printed.prefix(2)) == [0x1B, 0x40]
        #expect(startsRight, "starts by initialising the printer")
        let paper = try EscPosDecoder(tcvn3Pages: [30, 31]).decode(printed)
        let lines = paper.compactMap { if case .text(let line) = $0 { line } else { nil } }
        let number = lines.first { $0.text == "A001" }
        #expect(number?.height == 4 && number?.width == 4, "the number, large")
        #expect(lines.contains { $0.text == "Chứng thực" }, "the service name, in Vietnamese")
        #expect(lines.contains { $0.text == "PHIẾU SỐ THỨ TỰ" })
        #expect(paper.last == .cut, "ends with feed and cut")

        // The officer signs in at counter 1 and presses "next": the display announces A001 at counter 1.
        let signIn = try kiosk.run(["officer", "sign-in", "--config", config, "--counter", "1", "an"])
        #expect(signIn.status == 0, "\(signIn.err)")
        _ = try kiosk.run(["simulate", "press", "--config", config, "--keypad", "officer-1", "KEY_KPENTER"])
        try stream.read("the call of A001") { $0.contains("event: call") }
        let call = stream.text.components(separatedBy: "event: call\ndata: ")[1].components(separatedBy: "\n")[0]
        let announced = try JSONSerialization.jsonObject(with: Data(call.utf8)) as? [String: Any]
        #expect(announced?["number"] as? String == "A001")
        #expect(announced?["counter"] as? Int == 1)

        // The citizen rates at counter 1; a stray press at counter 2 (nobody served) counts for nobody.
        _ = try kiosk.run(["simulate", "press", "--config", config, "--keypad", "rating-1", "KEY_KP1"])
        _ = try kiosk.run(["simulate", "press", "--config", config, "--keypad", "rating-2", "KEY_KP3"])
        _ = try kiosk.run(["simulate", "press", "--config", config, "--keypad", "officer-1", "KEY_KPASTERISK"])
        try stream.read("the thanks at counter 1") { $0.contains("event: thanks\ndata: {\"counter\":1}") }
        #expect(!stream.text.contains("\"level\""), "the display stream never says which button was pressed")
        try eventually(10, "two ratings and the finish") {
            logText().components(separatedBy: "ratingRecorded").count == 3 && logText().contains("ticketFinished")
        }

        daemon.terminate()  // SIGTERM
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .exit)
        #expect(daemon.terminationStatus == 0, "\(logText())")
        #expect(logText().contains("kiosk stopped"))

        let export = try kiosk.run(["export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--by", "officer"])
        #expect(export.status == 0, "\(export.err)")
        #expect(Array(export.out.prefix(3)) == [0xEF, 0xBB, 0xBF], "a BOM, for Excel")
        let rows = String(decoding: export.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rows[0] == "Báo cáo mức độ hài lòng theo cán bộ – từ 01/01/2000 đến 31/12/2100", "a title row says what and when")
        #expect(
            rows[1] == "Mã cán bộ,Họ và tên,Rất hài lòng,Hài lòng,Không hài lòng,Rất hài lòng (%),Hài lòng (%),Không hài lòng (%),"
                + "Số lượt đánh giá,Số phiếu đã phục vụ,Số phiếu đã phục vụ được đánh giá,Tỷ lệ hài lòng (%),Tỷ lệ đánh giá (%),"
                + "Chờ trung bình (phút),Chờ P90 (phút),Phục vụ trung bình (phút),Vắng mặt,Chuyển")
        let cells = rows[2].components(separatedBy: ",")
        #expect(Array(cells.prefix(13)) == ["an", "Nguyễn Văn An", "1", "0", "0", "100.0", "0.0", "0.0", "1", "1", "1", "100.0", "100.0"])
        #expect(Array(cells.suffix(2)) == ["0", "0"], "no no-show, no transfer")
        #expect(cells.count == 18 && Double(cells[13]) != nil && Double(cells[15]) != nil, "waits and service time in minutes")

        let filing = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--by", "officer", "--layout", "filing",
        ])
        let filed = String(decoding: filing.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(
            filed[1]
                == "Mã cán bộ,Họ và tên,Tổng số lượt đánh giá,Rất hài lòng,Rất hài lòng (%),Hài lòng,Hài lòng (%),Không hài lòng,Không hài lòng (%)"
        )
        #expect(filed[2] == "an,Nguyễn Văn An,1,1,100.0,0,0.0,0,0.0")

        // A named period: the year the test runs in, named in the title row.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let year = calendar.component(.year, from: Date())
        let named = try kiosk.run(["export", "--config", config, "--period", "\(year)", "--by", "officer", "--layout", "filing"])
        #expect(named.status == 0, "\(named.err)")
        let namedRows = String(decoding: named.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(namedRows[0] == "Báo cáo mức độ hài lòng theo cán bộ – Năm \(year) (từ 01/01/\(year) đến 31/12/\(year))")
        #expect(namedRows[2] == filed[2], "the year holds the same rating")
        let both = try kiosk.run(["export", "--config", config, "--period", "\(year)-Q5"])
        #expect(both.status != 0 && both.err.contains("is not a period"), "a bad period is refused with the forms it takes")

        // The workbook, read back by LibreOffice: both sheets, numbers as numbers ("100", not the text "100.0").
        let workbook = "\(folder)/report.xlsx"
        let xlsx = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--format", "xlsx", "--out", workbook,
        ])
        #expect(xlsx.status == 0, "\(xlsx.err)")
        let sheets = try LibreOffice.sheetsAsCSV(workbook, into: "\(folder)/lo")
        #expect(sheets["Mẫu báo cáo"]?.first?.hasPrefix("Báo cáo mức độ hài lòng theo cán bộ") == true, "the sheet's title row")
        #expect(sheets["Mẫu báo cáo"]?.dropFirst(2).first == "an,Nguyễn Văn An,1,1,100,0,0,0,0")
        let summary = sheets["Tổng hợp"]?.dropFirst(2).first?.components(separatedBy: ",") ?? []
        #expect(Array(summary.prefix(13)) == ["an", "Nguyễn Văn An", "1", "0", "0", "100", "0", "0", "1", "1", "1", "100", "100"])

        // Summaries take the same filters as the raw rows.
        func summaryRows(_ extra: [String]) throws -> [String] {
            let result = try kiosk.run(["export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31"] + extra)
            return String(decoding: result.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        }
        #expect(
            try summaryRows(["--by", "officer", "--counter", "2"]).count == 2, "nobody served at counter 2: the title and the header only")
        #expect(try summaryRows(["--by", "counter", "--service", "A"]).dropFirst(2).map { $0.components(separatedBy: ",")[0] } == ["1"])
        #expect(rows.count == 4 && rows[3].isEmpty, "one officer row only: the stray press is not counted")

        let byCounter = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--by", "counter", "--format", "json",
        ])
        let json = try JSONSerialization.jsonObject(with: byCounter.out) as? [String: Any]
        let counterRows = json?["rows"] as? [[String: Any]] ?? []
        #expect(counterRows.count == 1)
        #expect(counterRows.first?["key"] as? String == "1")
        #expect(counterRows.first?["levelCounts"] as? [Int] == [1, 0, 0])

        // The raw rows: every press with its flag, every ticket with its times.
        let ratings = try kiosk.run(["export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--rows", "ratings"])
        let ratingLines = String(decoding: ratings.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(ratingLines.count == 3)
        #expect(ratingLines[0] == "Mã đánh giá,Ngày,Giờ,Quầy,Số phiếu,Dịch vụ,Cán bộ,Mức,Nhãn,Thang,Hài lòng,Cờ,Lý do,Mã hồ sơ")
        #expect(ratingLines[1].hasSuffix(",1,A001,A,an,1,Rất hài lòng,3,1,,,"), "\(ratingLines[1])")
        #expect(ratingLines[2].hasSuffix(",2,,,,3,Không hài lòng,3,0,unlinked,,"), "\(ratingLines[2])")
        // The same rows as JSON, for other programs: English keys, numbers as numbers, null for nothing.
        let ratingsJSON = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--rows", "ratings",
            "--format", "json",
        ])
        let presses = try JSONSerialization.jsonObject(with: ratingsJSON.out) as? [[String: Any]] ?? []
        #expect(presses.count == 2)
        #expect(presses.first?["ticket"] as? String == "A001" && presses.first?["officer"] as? String == "an")
        #expect(presses.first?["id"] as? String == "1", "ids are text, like every code")
        #expect(presses.first?["level"] as? Int == 1 && presses.first?["label"] as? String == "Rất hài lòng")
        #expect(presses.first?["satisfied"] as? Bool == true && presses.first?["flag"] is NSNull)
        #expect(presses.last?["flag"] as? String == "unlinked" && presses.last?["officer"] is NSNull)
        let rowsWorkbook = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--rows", "tickets",
            "--format", "xlsx", "--out", "/dev/null",
        ])
        #expect(rowsWorkbook.status != 0 && rowsWorkbook.err.contains("CSV or JSON"), "\(rowsWorkbook.err)")
        let tickets = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--rows", "tickets",
            "--officer", "an",
        ])
        let ticketLines = String(decoding: tickets.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(ticketLines.count == 2)
        let ticket = ticketLines[1].components(separatedBy: ",")
        #expect(ticket[2...7] == ["A", "A001", "0", "finished", "1", "an"])
        #expect(ticket[13] == "served" && ticket[16] == "printed" && ticket[17] == "", "\(ticket)")
        #expect(Int(ticket[11]) != nil && Int(ticket[12]) != nil, "wait and service in seconds")
        let nobody = try kiosk.run([
            "export", "--config", config, "--from", "2000-01-01", "--to", "2100-12-31", "--rows", "tickets", "--counter", "2",
        ])
        #expect(String(decoding: nobody.out.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1)

        // Started again on the same database, the daemon shows the same queue.
        let again = try kiosk.start(["run", "--config", config], log: log)
        defer { if again.isRunning { again.terminate() } }
        try eventually(20, "the restarted daemon") { logText().contains("hall display ready") }
        let queue = try HTTPConnection.get(port: port, path: "/api/queue")
        let body = try #require(queue.components(separatedBy: "\r\n\r\n").last)
        let restored = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let calls = restored?["calls"] as? [[String: Any]] ?? []
        #expect(calls.first?["number"] as? String == "A001")
        #expect(calls.first?["counter"] as? Int == 1)
        let counters = restored?["counters"] as? [[String: Any]] ?? []
        #expect(counters.first?["open"] as? Bool == true, "the officer is still signed in at counter 1")
        #expect(counters.first?["serving"] == nil, "A001 was finished before the restart")
        again.terminate()
        again.waitUntilExit()
        #expect(again.terminationStatus == 0)
    }

    @Test func aBrokenConfigIsRefusedWithFileLineAndKey() throws {
        let kiosk = try KioskBinary()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bad-\(UUID().uuidString).toml").path
        try """
        [centre]
        name = "Xã Tân Phú"
        [[services]]
        code = "A"
        name = "Chứng thực"
        [[counters]]
        number = 1
        services = ["A"]
        [[keypads]]
        name = "rating-1"
        role = "rating"
        counter = 1
        path = "/dev/input/by-path/rating-1"
        [keypads.keys]
        KEY_KP1 = 1
        KEY_KP_2 = 2
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try kiosk.run(["check-config", file])
        #expect(result.status == 2)
        #expect(result.err.hasPrefix("error: \(file):16: keypads[1].keys.KEY_KP_2: KEY_KP_2 is not a kernel key name"), "\(result.err)")
        let run = try kiosk.run(["run", "--config", file])
        #expect(run.status == 2, "the daemon refuses to start on it too")
    }

    @Test func installerToolsShowAndPrintVietnamese() throws {
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-tools-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../hardware/examples/demo.toml")
            .path

        let preview = try kiosk.run(["ticket-preview", "--config", demo, "--profile", "xprinter-80", "--out", "\(folder)/ticket.png"])
        #expect(preview.status == 0, "\(preview.err)")
        let png = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/ticket.png"))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(png.count > 10_000)
        // The preview draws the real QR code (native on this profile, an image on generic-58): a phone would read it.
        for profile in ["xprinter-80", "generic-58"] {
            let out = "\(folder)/ticket-\(profile).png"
            #expect(try kiosk.run(["ticket-preview", "--config", demo, "--profile", profile, "--out", out]).status == 0)
            let read = try QRReader.read(file: out)
            #expect(read.count == 1 && read[0].hasPrefix("https://dichvucong.example.vn/phieu/"), "\(profile): \(read)")
        }

        let chart = try kiosk.run(["print-test", "--profile", "epson-tm-t88", "\(folder)/chart.bin"])
        #expect(chart.status == 0, "\(chart.err)")
        let lines = try EscPosDecoder(tcvn3Pages: [30, 31]).text([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/chart.bin"))))
        let letters = lines.joined().filter { !$0.isASCII }
        #expect(Set(letters) == Set(TCVN3.letters), "the chart shows every Vietnamese letter")
        #expect(lines.first == "KIỂM TRA MÁY IN")
        // read-print shows captured bytes as the printer would print them, line by line.
        let readBack = try kiosk.run(["read-print", "--profile", "epson-tm-t88", "\(folder)/chart.bin"])
        #expect(readBack.status == 0, "\(readBack.err)")
        let shown = String(decoding: readBack.out, as: UTF8.self).components(separatedBy: "\n")
        #expect(shown.first == "KIỂM TRA MÁY IN")
        #expect(shown.contains("[cut]"))

        let unknown = try kiosk.run(["print-test", "--profile", "epson-tm-t99", "\(folder)/x.bin"])
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("epson-tm-t88"), "the error lists the profiles")
    }

    @Test func devicesWatchNamesTheKeysAsTheyArePressed() throws {
        let kiosk = try KioskBinary()
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-watch-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let out = fifo + ".out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kiosk.path)
        process.arguments = ["devices", "watch", fifo]
        process.standardOutput = FileHandle(forWritingAtPath: out)
        try process.run()
        defer { process.terminate() }
        func text() -> String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        try eventually(10, "watch to start") { text().contains("watching") }
        var events = InputEvent.tap(code: KeyNames.code(of: "KEY_KP7")!, seconds: 1_800_000_000, microseconds: 0)
        events.insert(
            InputEvent(seconds: 1_800_000_000, microseconds: 40_000, type: 1, code: KeyNames.code(of: "KEY_KP7")!, value: 2), at: 2)
        events += InputEvent.tap(code: KeyNames.code(of: "KEY_KPENTER")!, seconds: 1_800_000_001, microseconds: 0)
        // The watcher opens the keypad on its own thread: write once it reads.
        try eventually(10, "the watcher to open the keypad") { (try? InputEventWriter.write(events, to: fifo)) != nil }
        try eventually(10, "the two keys") { text().contains("KEY_KPENTER") }
        let pressed = text().split(separator: "\n").dropFirst().map { String($0.split(separator: " ").last!) }
        #expect(pressed == ["KEY_KP7", "KEY_KPENTER"], "one line per press, autorepeat ignored")
    }
}

/// LibreOffice (Debian's libreoffice-calc-nogui, installed by scripts/test), headless: what
/// a spreadsheet user would see in each sheet, as CSV lines.
enum LibreOffice {
    static func sheetsAsCSV(_ workbook: String, into folder: String) throws -> [String: [String]] {
        guard let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw TestFailure("LibreOffice is not installed: scripts/test installs it (apt-get install libreoffice-calc-nogui)")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: soffice)
        // A profile of its own, so parallel runs do not wait for each other; -1: every sheet to its own file.
        process.arguments = [
            "-env:UserInstallation=file://\(folder)/profile", "--headless", "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", folder, workbook,
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        var sheets: [String: [String]] = [:]
        let base = URL(fileURLWithPath: workbook).deletingPathExtension().lastPathComponent
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasPrefix(base + "-") && file.hasSuffix(".csv") {
            let name = String(file.dropFirst(base.count + 1).dropLast(4))
            let text = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
            sheets[name.precomposedStringWithCanonicalMapping] = text.components(separatedBy: "\n").filter { !$0.isEmpty }
        }
        return sheets
    }
}
