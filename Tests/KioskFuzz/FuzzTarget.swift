import Foundation
import KioskCore
import KioskDevices
import KioskService
import KioskWeb

/// A parser that takes what the outside world sends: the config file, control-socket lines,
/// keypad records, printer bytes (the decoder installers use), the touch kiosk's ticket body.
/// `run` must return for every input: no crash, no hang. It throws only when the parser
/// broke a promise about its answer (an error without its file and line, say).
public struct FuzzTarget: Sendable {
    public let name: String
    public let seeds: [[UInt8]]
    public let tokens: [String]
    public let run: @Sendable ([UInt8]) throws -> Void

    public struct Broken: Error, CustomStringConvertible {
        public let description: String
    }

    public static let all: [FuzzTarget] = [toml, control, inputEvents, escpos, ticketBody]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    // MARK: The config file

    static let minimalConfig = """
        [centre]
        name = "Trung tâm xã Tân Phú"
        time_zone = "Asia/Ho_Chi_Minh"
        [database]
        path = "kiosk.sqlite"
        [http]
        bind = "0.0.0.0:8080"
        tickets_per_service = 3
        [[services]]
        code = "A"
        name = "Chứng thực"
        prefix = "A"
        last_number = 999
        [[counters]]
        number = 1
        services = ["A"]
        [rating]
        levels = ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
        handover_seconds = 30
        [[keypads]]
        name = "kiosk"
        role = "kiosk"
        path = "/dev/input/by-path/kiosk"
        keys = { KEY_KP1 = "A" }
        [[boards]]
        counter = 1
        port = "/dev/ttyUSB0"
        preset = "modbus-16"
        [printer]
        path = "tcp://192.168.1.50:9100"
        profile = "xprinter-80"
        """

    /// The project's own example configs, when run from the source tree.
    static var exampleConfigs: [[UInt8]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ["hardware/examples/demo.toml", "hardware/examples/commune-centre.toml", "hardware/hil/guest.toml"].compactMap {
            FileManager.default.contents(atPath: root.appendingPathComponent($0).path).map { [UInt8]($0) }
        }
    }

    public static let toml = FuzzTarget(
        name: "toml",
        seeds: [Array(minimalConfig.utf8), Array("a = [1, [2, {b = \"c\"}], 'd']\n[x.y]\n[[z]]\nk = \"\"\"m\nl\"\"\"\n".utf8)]
            + exampleConfigs,
        tokens: [
            "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "\"", "'", "\"\"\"", "'''", "\\u", "\\U0010FFFF", "\\", "#", "\n", "\r\n",
            "\t", " ", "0x", "1_000", "-", "+", "inf", "nan", "1e308", "true", "false", "2026-12-01", "12:00", "KEY_KP1",
            "999999999999999999999", "ắ", "\u{0}", "\u{FFFE}", "keys", "services", "counters", "prefix", "payload",
        ],
        run: { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? TOMLParser.parse(text)
            do throws(ConfigError) {
                _ = try ConfigLoader.parse(text, file: "fuzz.toml")
            } catch {
                guard error.description.hasPrefix("fuzz.toml:") else { throw Broken(description: "an error without its file: \(error)") }
            }
        })

    // MARK: Control-socket requests

    public static let control = FuzzTarget(
        name: "control",
        seeds: [
            "sign-in 3 nguyen.van.an", "sign-out 1", "next 2", "call 2 A015", "recall 1", "finish 2 incomplete", "no-show 1",
            "hold 1", "return 1 A015", "transfer 1 service B", "transfer 1 counter 4", "issue A priority", "reprint A015",
            "void A015 nobody holds it",
        ].map { Array($0.utf8) },
        tokens: [
            " ", "  ", "\t", "\n", "-1", "0", "99999999999999999999", "served", "priority", "service", "counter", "Đ", "\u{0}",
            "sign-in", "next", "call", "transfer", "void", "%s", "ắ",
        ],
        run: { bytes in _ = ControlRequest.parse(String(decoding: bytes, as: UTF8.self)) })

    // MARK: Keypad records

    public static let inputEvents = FuzzTarget(
        name: "input-events",
        seeds: [
            InputEvent.tap(code: 79, seconds: 1_800_000_000, microseconds: 5).flatMap(\.bytes),
            (InputEvent.tap(code: 96, seconds: 1, microseconds: 999_999) + InputEvent.tap(code: 80, seconds: -1, microseconds: -1)).flatMap(
                \.bytes),
        ],
        tokens: [],
        run: { bytes in
            // Delivered in pieces, as reads cut them.
            var decoder = InputEventDecoder()
            var events = 0
            var offset = 0
            var piece = 1
            while offset < bytes.count {
                let end = min(bytes.count, offset + piece)
                for event in decoder.feed(bytes[offset..<end]) { if event.isKeyPress { events += 1 } else { events += 1 } }
                offset = end
                piece = piece % 29 + 1
            }
            guard events == bytes.count / InputEvent.size, decoder.buffered == bytes.count % InputEvent.size else {
                throw Broken(description: "\(bytes.count) bytes gave \(events) records and \(decoder.buffered) left over")
            }
        })

    // MARK: Printer bytes

    static var tickets: [[UInt8]] {
        let rules = QueueRules(
            services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
            counters: [CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A")])])
        let ticket = Ticket(
            id: TicketID(7), day: LocalDay(year: 2026, month: 12, day: 1), service: ServiceCode("A"), sequence: 15,
            number: 15, display: "A015", priority: true, issuedAt: Date(timeIntervalSince1970: 1_800_000_000))
        var seeds: [[UInt8]] = []
        for (name, qr) in [("epson-tm-t82", "https://dichvucong.gov.vn/{number}"), ("generic-58", nil)] {
            var profile = PrinterProfile.named(name)!
            profile.textMode = name == "generic-58" ? .ascii : profile.textMode
            let renderer = TicketRenderer(
                centreName: "Xã Tân Phú", layout: TicketLayout(title: "PHIẾU SỐ THỨ TỰ", footer: ["Xin cảm ơn!"], qrURL: qr),
                timeZone: rules.timeZone, profile: profile, rasterizer: nil)
            seeds.append(renderer.render(ticket, serviceName: "Chứng thực", waitingAhead: 4))
        }
        var picture = EscPosDocument()
        picture.initialise()
        var bitmap = MonoBitmap(width: 64, height: 12)
        for y in 0..<12 { bitmap[y * 5, y] = true }
        picture.raster(bitmap)
        picture.cut(.partial)
        seeds.append(picture.bytes)
        return seeds
    }

    public static let escpos = FuzzTarget(
        name: "escpos",
        seeds: tickets,
        tokens: [
            "\u{1B}@", "\u{1B}t", "\u{1B}a", "\u{1B}E", "\u{1D}!", "\u{1B}d", "\u{1D}V", "\u{1D}(k", "\u{1D}v0", "\u{10}\u{4}",
            "\u{1C}.", "\u{FF}\u{FF}", "\u{0}",
        ],
        run: { bytes in _ = try? EscPosDecoder(tcvn3Pages: [30, 31]).decode(bytes) })

    // MARK: The touch kiosk's ticket body

    public static let ticketBody = FuzzTarget(
        name: "ticket-json",
        seeds: [
            #"{"service": "A", "priority": false}"#, #"{"service":"HT"}"#, #"{"service": "B", "priority": true, "x": [1, {"y": null}]}"#,
        ]
        .map { Array($0.utf8) },
        tokens: [
            "{", "}", "[", "]", "\"", ":", ",", "\\u0000", "\\ud800", "null", "true", "1e999", "-0", "\"service\"", "\"priority\"", " ",
        ],
        run: { bytes in
            if case .success(let request) = TicketRequest.parse(bytes), request.service.isEmpty || bytes.count > TicketRequest.maxBytes {
                throw Broken(description: "accepted \(request)")
            }
        })
}
