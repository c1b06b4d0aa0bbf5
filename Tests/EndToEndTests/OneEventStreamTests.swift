import Foundation
import Glibc
import KioskDevices
import KioskTestSupport
import Testing

/// Boards, the hall display's stream and the voice follow one event stream: after many quick
/// calls, recalls and transfers on five counters, all three show each counter's last call.
@Suite(.serialized) struct OneEventStreamTests {
    @Test func boardsDisplayAndVoiceEndInTheSameState() throws {
        let kiosk = try KioskBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bus = try PseudoTerminal()
        let far = SimulatedPrinter()
        far.serve(bus)
        defer { far.stop() }
        let port = freeLocalPort()
        var config = """
            [centre]
            name = "Xã Thử Nghiệm"
            [database]
            path = "kiosk.sqlite"
            [http]
            bind = "127.0.0.1:\(port)"
            [control]
            socket = "control.sock"
            [voice]
            directory = "voice"
            chime = false
            speed = 300
            [[services]]
            code = "A"
            name = "Chứng thực"
            prefix = "A"

            """
        for c in 1...5 {
            config +=
                "[[counters]]\nnumber = \(c)\nservices = [\"A\"]\n[[boards]]\ncounter = \(c)\nport = \"\(bus.slavePath)\"\naddress = \(c)\ngap_ms = 5\n"
        }
        let file = "\(folder)/centre.toml"
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        for c in 1...5 { _ = try kiosk.run(["officer", "add", "--config", file, "officer\(c)", "Cán bộ \(c)"]) }

        let log = "\(folder)/daemon.log"
        let daemon = try kiosk.start(["run", "--config", file], log: log)
        defer { if daemon.isRunning { daemon.terminate() } }
        try eventually(20, "the daemon") { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("hall display ready") }
        let stream = try HTTPConnection(port: port, path: "/api/display/events")
        try stream.read("the first state") { $0.contains("event: state") }

        func send(_ request: String) throws {
            let result = try kiosk.run(["counter", "--config", file] + request.split(separator: " ").map(String.init))
            #expect(result.status == 0, "\(request): \(String(decoding: result.out, as: UTF8.self))")
        }
        for c in 1...5 { _ = try kiosk.run(["officer", "sign-in", "--config", file, "--counter", "\(c)", "officer\(c)"]) }
        for _ in 0..<45 { try send("issue A") }
        var calls = 0
        var i = 0
        while calls < 50 {
            let c = i % 5 + 1
            if i % 7 == 3 && i > 5 {
                try send("recall \(c)")
            } else if i % 11 == 6 {
                try send("transfer \(c) counter \(c % 5 + 1)")
                try send("next \(c % 5 + 1)")
            } else {
                try send("next \(c)")
            }
            calls += 1
            i += 1
        }
        // The display stream: each counter's last announced call.
        var displayed: [Int: String] = [:]
        try stream.read(until: 20, "all calls") { $0.components(separatedBy: "event: call").count - 1 >= calls }
        for part in stream.text.components(separatedBy: "event: call\ndata: ").dropFirst() {
            let json = try JSONSerialization.jsonObject(with: Data(part.components(separatedBy: "\n")[0].utf8)) as! [String: Any]
            displayed[json["counter"] as! Int] = json["number"] as? String
        }
        // The boards: the last frame each address got on the bus (01 addr text 07).
        func boards() -> [Int: String] {
            var shown: [Int: String] = [:]
            var bytes = far.received[...]
            while let start = bytes.firstIndex(of: 0x01), let end = bytes[start...].firstIndex(of: 0x07) {
                let address = Int(bytes[start + 1])
                shown[address] = String(decoding: bytes[(start + 2)..<end], as: UTF8.self)
                bytes = bytes[(end + 1)...]
            }
            return shown
        }
        try eventually(20, "the boards to catch up") { boards() == displayed }
        // The voice: the last announcement per counter, in order.
        func voiced() -> [Int: String] {
            var last: [Int: String] = [:]
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/voice")) ?? []).sorted() {
                let parts = name.dropLast(4).split(separator: "-")  // 20261201-081503-000012-A007-quay3
                last[Int(parts[4].dropFirst(4))!] = String(parts[3])
            }
            return last
        }
        try eventually(60, "the voice to catch up") { voiced() == displayed }
        let announced = ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/voice")) ?? []).count
        #expect(announced == calls, "one announcement per call and recall")
        #expect(displayed.count == 5)
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
    }
}
