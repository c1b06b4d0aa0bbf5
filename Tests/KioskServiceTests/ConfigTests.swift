import Foundation
import KioskCore
import Testing

@testable import KioskService

private let minimal = """
    [centre]
    name = "Trung tâm xã Tân Phú"

    [[services]]
    code = "A"
    name = "Chứng thực"
    prefix = "A"

    [[counters]]
    number = 1
    services = ["A"]
    """

/// Parses `text` and returns the error's `file:line: key: message`.
private func refusal(_ text: String) -> String {
    do {
        _ = try ConfigLoader.parse(text, file: "/etc/kiosk/centre.toml")
        return "accepted"
    } catch {
        return error.description
    }
}

@Suite struct ConfigTests {
    @Test func theShippedExamplesAreValid() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../hardware/examples").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".toml") }
        #expect(files.contains("demo.toml"))
        for file in files {
            let config = try ConfigLoader.load(file: examples.appendingPathComponent(file).path)
            #expect(!config.keypads.isEmpty, "\(file)")
        }
    }

    @Test func theDemoConfigSaysWhatItMeans() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../hardware/examples/demo.toml")
            .path
        let config = try ConfigLoader.load(file: file)
        #expect(config.centreName == "Trung tâm Phục vụ hành chính công xã Tân Phú")
        #expect(config.timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(config.rules.services.map(\.code.rawValue) == ["A", "B", "C"])
        #expect(config.rules.service(ServiceCode("B"))?.display(number: 1001) == "1001")
        #expect(config.rules.counter(CounterNumber(2))?.services == [ServiceCode("B"), ServiceCode("C")])
        #expect(config.rules.priorityPolicy == .interleave(normalCalls: 3))
        #expect(config.rules.ratingScale == .threeLevels)
        #expect(config.http == HTTPSettings(host: "127.0.0.1", port: 8080))
        let kiosk = try #require(config.keypads.first { $0.name == "kiosk" })
        guard case .kiosk(let keys) = kiosk.role else {
            Issue.record("kiosk role")
            return
        }
        #expect(keys[79] == KioskKey(service: ServiceCode("A"), priority: false))  // KEY_KP1
        #expect(keys[71] == KioskKey(service: ServiceCode("A"), priority: true))  // KEY_KP7
        let rating = try #require(config.keypads.first { $0.name == "rating-2" })
        guard case .rating(let counter, let levels) = rating.role else {
            Issue.record("rating role")
            return
        }
        #expect(counter == CounterNumber(2))
        #expect(levels[81] == 3)  // KEY_KP3
    }

    @Test func defaultsAndRelativePaths() throws {
        let config = try ConfigLoader.parse(minimal, file: "/etc/kiosk/centre.toml")
        #expect(config.databasePath == "/etc/kiosk/kiosk.sqlite")
        #expect(config.http == HTTPSettings(host: "127.0.0.1", port: 8080))
        #expect(config.ticket.title == "PHIẾU SỐ THỨ TỰ")
        #expect(config.rules.recallLimit == 3)
        #expect(config.rules.ratingWindow == 120)
        #expect(config.printer == nil)
    }

    @Test func vietnameseTextIsStoredComposed() throws {
        // "Hộ" typed with combining marks (o + dot below + circumflex).
        let text = minimal.replacingOccurrences(of: "Chứng thực", with: "Ho\u{0323}\u{0302} ti\u{0323}ch")
        let config = try ConfigLoader.parse(text, file: "c.toml")
        #expect(config.rules.services[0].name == "Hộ tịch")
        #expect(config.rules.services[0].name.unicodeScalars.count == 7)
    }

    @Test(arguments: [
        // (change to the minimal file, expected error)
        ("[http]\nbind = \"localhost\"", "/etc/kiosk/centre.toml:2: http.bind: localhost is not host:port"),
        (
            "[[keypads]]\nname = \"k\"\nrole = \"kiosk\"\npath = \"/dev/null\"\n[keypads.keys]\nKEY_KP1 = \"A\"\nKEY_NUMPAD_1 = \"A\"",
            "/etc/kiosk/centre.toml:7: keypads[1].keys.KEY_NUMPAD_1: KEY_NUMPAD_1 is not a kernel key name"
        ),
        (
            "[[keypads]]\nname = \"k\"\nrole = \"kiosk\"\npath = \"/dev/null\"\n[keypads.keys]\nkey_kp1 = \"A\"",
            "/etc/kiosk/centre.toml:6: keypads[1].keys.key_kp1: key_kp1 is not a kernel key name"
        ),
        (
            "[[keypads]]\nname = \"k\"\nrole = \"kiosk\"\npath = \"/dev/null\"\n[keypads.keys]\nKEY_KP1 = \"Z\"",
            "/etc/kiosk/centre.toml:6: keypads[1].keys.KEY_KP1: no service has the code Z"
        ),
        (
            "[[keypads]]\nname = \"r\"\nrole = \"rating\"\ncounter = 7\npath = \"/dev/null\"\nkeys = { KEY_KP1 = 1 }",
            "/etc/kiosk/centre.toml:4: keypads[1].counter: no counter 7 is defined"
        ),
        (
            "[[keypads]]\nname = \"r\"\nrole = \"rating\"\ncounter = 1\npath = \"/dev/null\"\nkeys = { KEY_KP1 = 4 }",
            "/etc/kiosk/centre.toml:6: keypads[1].keys.KEY_KP1: expected a rating level from 1 (Rất hài lòng) to 3 (Không hài lòng)"
        ),
        (
            "[[keypads]]\nname = \"o\"\nrole = \"officer\"\ncounter = 1\npath = \"/dev/null\"\n[keypads.keys]\nKEY_KPENTER = \"nextt\"",
            "/etc/kiosk/centre.toml:7: keypads[1].keys.KEY_KPENTER: nextt is not an officer action"
        ),
        (
            "[[keypads]]\nname = \"o\"\nrole = \"boss\"\npath = \"/dev/null\"",
            "/etc/kiosk/centre.toml:3: keypads[1].role: boss is not a keypad role"
        ),
        ("[queue]\nrecall_limit = \"three\"", "/etc/kiosk/centre.toml:2: queue.recall_limit: expected a whole number, found a string"),
        ("[queue]\npriority_policy = \"fair\"", "/etc/kiosk/centre.toml:2: queue.priority_policy: fair is not a policy"),
        ("[rating]\nlevels = [\"Tốt\"]", "/etc/kiosk/centre.toml:2: rating.levels: a scale has 2 to 7 levels"),
        ("[printer]\npath = \"/dev/usb/lp0\"\nbaud = 9601", "/etc/kiosk/centre.toml:3: printer.baud: 9601 is not a serial speed"),
        ("[printer]\npath = \"/dev/usb/lp0\"\ntext = \"tcvn\"", "/etc/kiosk/centre.toml:3: printer.text: tcvn is not a text mode"),
        ("[printer]\npaht = \"/dev/usb/lp0\"", "/etc/kiosk/centre.toml:1: printer.path: missing"),
        ("[printer]\npath = \"/dev/usb/lp0\"\ncolour = true", "/etc/kiosk/centre.toml:3: printer.colour: unknown key"),
        (
            "[[counters]]\nnumber = 2\nservices = [\"A\", \"Q\"]",
            "/etc/kiosk/centre.toml:3: counters[2].services: no service has the code Q"
        ),
        ("[[counters]]\nnumber = 1\nservices = [\"A\"]", "/etc/kiosk/centre.toml:2: counters[2].number: counter 1 is defined twice"),
        (
            "[[services]]\ncode = \"B\"\nname = \"X\"\nfirst_number = 10\nlast_number = 9",
            "/etc/kiosk/centre.toml:5: services[2].last_number: must not be below first_number"
        ),
        ("[database]\npath = \"a.sqlite\"\npath = \"b.sqlite\"", "/etc/kiosk/centre.toml:3: path is already defined on line 14"),
        ("[database]\npath = \"a.sqlite", "/etc/kiosk/centre.toml:2: a string is not closed"),
        ("[database]\npath = a.sqlite", "/etc/kiosk/centre.toml:2: a.sqlite is not a value: text must be in \"double quotes\""),
        ("[centre]\nname = \"Again\"", "/etc/kiosk/centre.toml:1: [centre] is already defined on line 1"),
        // A prefix reaches displays, boards, the voice and file names: capital letters only.
        (
            "[[services]]\ncode = \"B\"\nname = \"X\"\nprefix = \"B'\"",
            "/etc/kiosk/centre.toml:4: services[2].prefix: B' must be up to 3 capital letters"
        ),
        (
            "[[services]]\ncode = \"B\"\nname = \"X\"\nprefix = \"B 1\"",
            "/etc/kiosk/centre.toml:4: services[2].prefix: B 1 must be up to 3 capital letters"
        ),
        // A Modbus board carries at most 246 bytes of text: checked now, not at the first call.
        (
            "[rating]\nboard_thanks = \"\(String(repeating: "X", count: 300))\"\n[[boards]]\ncounter = 1\nport = \"/dev/ttyUSB0\"\npreset = \"modbus-16\"",
            "/etc/kiosk/centre.toml:6: boards[1].preset: the text"
        ),
        (
            "[[boards]]\ncounter = 1\nport = \"/dev/ttyUSB0\"\naddress = 300",
            "/etc/kiosk/centre.toml:4: boards[1].address: 300 does not fit"
        ),
        ("[http]\nmax_connections = 3", "/etc/kiosk/centre.toml:2: http.max_connections:"),
        ("[rating]\nhandover_seconds = -1", "/etc/kiosk/centre.toml:2: rating.handover_seconds:"),
        ("[voice]\ndirectory = \"voice\"\nkeep_files = 0", "/etc/kiosk/centre.toml:3: voice.keep_files:"),
        // Nesting and size are bounded.
        (
            "deep = \(String(repeating: "[", count: 40))\(String(repeating: "]", count: 40))",
            "/etc/kiosk/centre.toml:1: values nested more than 32 deep"
        ),
    ])
    func aBrokenFileIsRefusedWithLineAndKey(change: String, expected: String) {
        // Appended after the minimal file and a blank line: the expected line numbers count
        // from the change's first line and are shifted here.
        let text = minimal + "\n\n" + change
        let shift = minimal.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        let got = refusal(text)
        let parts = expected.components(separatedBy: ":")
        let line = Int(parts[1])!
        let shifted = ([parts[0], String(line + shift)] + parts.dropFirst(2)).joined(separator: ":")
        #expect(got.hasPrefix(shifted), "got: \(got)")
    }

    /// HTTPS for the staff pages: certificate and key together, both readable, on a port of its own.
    @Test func theStaffPagesHTTPSSettings() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["box.crt", "box.key"] { FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: Data("x".utf8)) }
        func http(_ lines: String) -> String { minimal + "\n[http]\nbind = \"0.0.0.0:8080\"\n" + lines }
        let config = try ConfigLoader.parse(http("tls_certificate = \"box.crt\"\ntls_key = \"box.key\""), file: "\(folder)/kiosk.toml")
        #expect(config.http.tls == .init(host: "0.0.0.0", port: 8443, certificate: "\(folder)/box.crt", key: "\(folder)/box.key"))
        func refused(_ lines: String) -> String {
            do {
                _ = try ConfigLoader.parse(http(lines), file: "\(folder)/kiosk.toml")
                return "accepted"
            } catch { return error.description }
        }
        #expect(refused("tls_key = \"box.key\"").hasSuffix("http.tls_key: needs tls_certificate (the certificate chain, PEM) beside it"))
        #expect(
            refused("tls_certificate = \"nope.crt\"\ntls_key = \"box.key\"").contains(
                "http.tls_certificate: cannot read \(folder)/nope.crt"))
        #expect(refused("tls_certificate = \"box.crt\"\ntls_key = \"box.key\"\ntls_bind = \"0.0.0.0:8080\"").contains("http.tls_bind:"))
        #expect(refused("tls_bind = \"0.0.0.0:8443\"").contains("http.tls_bind: needs tls_certificate and tls_key"))
    }

    @Test func anUnknownTimeZoneIsNamed() {
        let text = minimal.replacingOccurrences(
            of: "name = \"Trung tâm xã Tân Phú\"", with: "name = \"X\"\ntime_zone = \"Asia/Hanoi_City\"")
        #expect(refusal(text).hasPrefix("/etc/kiosk/centre.toml:3: centre.time_zone: Asia/Hanoi_City is not a time zone name"))
    }

    @Test func aMissingSectionIsNamed() {
        #expect(
            refusal("[[services]]\ncode = \"A\"\nname = \"X\"\n[[counters]]\nnumber = 1\nservices = [\"A\"]")
                .hasPrefix("/etc/kiosk/centre.toml:1: centre: missing"))
        #expect(
            refusal("[centre]\nname = \"X\"\n[[services]]\ncode = \"A\"\nname = \"X\"")
                .hasPrefix("/etc/kiosk/centre.toml:1: counters: missing"))
    }

    @Test func anOversizedFileIsRefusedBeforeItIsRead() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-big-\(UUID().uuidString).toml").path
        try (minimal + "\n# " + String(repeating: "x", count: 2 << 20)).write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.load(file: file)
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("\(file):0: the file is 2048 KiB"), "\(error)")
        }
    }

    @Test func theWebLimitsAndTheHandoverAreRead() throws {
        let text = minimal + "\n[rating]\nhandover_seconds = 20\n"
        let config = try ConfigLoader.parse(
            text.replacingOccurrences(
                of: "[centre]",
                with: """
                    [http]
                    bind = "0.0.0.0:8080"
                    max_connections = 100
                    max_connections_per_address = 10
                    max_display_clients = 20
                    idle_seconds = 15
                    tickets_per_service = 2
                    tickets_overall = 5
                    ticket_window_seconds = 30
                    [centre]
                    """), file: "c.toml")
        var expected = HTTPSettings(host: "0.0.0.0", port: 8080)
        (expected.maxConnections, expected.maxConnectionsPerAddress, expected.maxDisplayClients, expected.idleSeconds) = (100, 10, 20, 15)
        (expected.ticketsPerService, expected.ticketsOverall, expected.ticketWindowSeconds) = (2, 5, 30)
        #expect(config.http == expected)
        #expect(config.rules.ratingHandover == 20)
    }

    @Test func anUnreadableFileIsNamed() {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(file: "/nonexistent/centre.toml") }
        do { _ = try ConfigLoader.load(file: "/nonexistent/centre.toml") } catch {
            #expect(error.description.hasPrefix("/nonexistent/centre.toml:0: cannot read the file"))
        }
    }
}
