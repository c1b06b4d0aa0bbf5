import Foundation
import KioskCore
import KioskDevices
import KioskStore
import KioskTestSupport
import Logging
import Testing
@testable import KioskService

@Suite struct BoardThanksTests {
    @Test func theBoardThanksTheCitizenThenShowsTheNumberAgain() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-thanks-\(UUID().uuidString)").path
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        let one = CounterNumber(1)
        let rules = QueueRules(services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
                               counters: [CounterDefinition(number: one, services: [ServiceCode("A")])])
        let engine = try QueueEngine(rules: rules, database: database)
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        far.serve(pty)
        defer { far.stop() }
        var thanks = ThanksSettings()
        thanks.seconds = 1
        let board = BoardSettings(counter: one, port: pty.slavePath, address: 1, baud: 9600,
                                  format: LEDFrameFormat.soh07.with(gap: 10), refreshSeconds: 60)
        let service = LEDBoardService(engine: engine, boards: [board], thanks: thanks, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await waitUntil("the boards following the queue") { await engine.subscriberCount == 1 }
        func shown() -> [String] {
            var texts: [String] = []
            var bytes = far.received[...]
            while let start = bytes.firstIndex(of: 0x01), let end = bytes[start...].firstIndex(of: 0x07) {
                texts.append(String(decoding: bytes[(start + 2)..<end], as: UTF8.self))
                bytes = bytes[(end + 1)...]
            }
            return texts
        }
        try await engine.perform(.signIn(counter: one, officer: OfficerID("an")))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.callNext(counter: one))
        try await waitUntil("A001 on the board") { shown().last == "A001" }
        try await engine.perform(.rate(counter: one, level: 1))
        try await waitUntil("the thanks on the board") { shown().last == "CAM ON" }
        let thanked = ContinuousClock.now
        try await waitUntil("the number back after the thanks") { shown().suffix(2) == ["CAM ON", "A001"] }
        #expect(ContinuousClock.now - thanked >= .milliseconds(900), "the thanks stays its second")

        // A new call during the thanks is not covered up when the thanks ends.
        try await engine.perform(.rate(counter: one, level: 2))
        try await waitUntil("the second thanks") { shown().last == "CAM ON" }
        try await engine.perform(.callNext(counter: one))
        try await waitUntil("A002 on the board") { shown().last == "A002" }
        // The first thanks' time passes (its timer would put A001 back): A002 stays.
        try await Task.sleep(for: .milliseconds(1300))
        #expect(shown().last == "A002")
        #expect(!shown().suffix(2).contains("A001"))
    }

    /// A press that asks for a reason: the board asks (`LY DO?`) while the question is open,
    /// thanks when the reason comes, then shows the number again.
    @Test func theBoardAsksForAReasonThenThanks() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-reason-\(UUID().uuidString)").path
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        let one = CounterNumber(1)
        var rules = QueueRules(services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
                               counters: [CounterDefinition(number: one, services: [ServiceCode("A")])])
        rules.ratingReasons = RatingReasons(labels: ["Thái độ phục vụ", "Thời gian chờ lâu"], askLevels: [3], seconds: 20)
        let engine = try QueueEngine(rules: rules, database: database)
        let pty = try PseudoTerminal()
        let far = SimulatedPrinter()
        far.serve(pty)
        defer { far.stop() }
        var thanks = ThanksSettings()
        thanks.seconds = 1
        let board = BoardSettings(counter: one, port: pty.slavePath, address: 1, baud: 9600,
                                  format: LEDFrameFormat.soh07.with(gap: 10), refreshSeconds: 60)
        let service = LEDBoardService(engine: engine, boards: [board], thanks: thanks, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await waitUntil("the boards following the queue") { await engine.subscriberCount == 1 }
        func shown() -> [String] {
            var texts: [String] = []
            var bytes = far.received[...]
            while let start = bytes.firstIndex(of: 0x01), let end = bytes[start...].firstIndex(of: 0x07) {
                texts.append(String(decoding: bytes[(start + 2)..<end], as: UTF8.self))
                bytes = bytes[(end + 1)...]
            }
            return texts
        }
        try await engine.perform(.signIn(counter: one, officer: OfficerID("an")))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.callNext(counter: one))
        try await waitUntil("A001 on the board") { shown().last == "A001" }
        try await engine.perform(.rate(counter: one, level: 3))
        try await waitUntil("the question on the board") { shown().last == "LY DO?" }
        try await Task.sleep(for: .milliseconds(1300))
        #expect(shown().last == "LY DO?", "the question stays while it is open, longer than a thanks")
        try await engine.perform(.rate(counter: one, level: 2))
        try await waitUntil("the thanks once the reason came") { shown().last == "CAM ON" }
        try await waitUntil("the number back after the thanks") { shown().suffix(2) == ["CAM ON", "A001"] }
    }
}
