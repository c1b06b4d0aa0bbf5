import Foundation
import KioskCore
import KioskDevices
import KioskStore
import KioskTestSupport
import Logging
import Testing

@testable import KioskService

@Suite struct BoardThanksTests {
    /// Counter 1 with its LED board on a pseudo-terminal, thanks shown for a second of a
    /// clock the test moves, and the texts the board was sent, read back from the far end.
    struct Hall {
        let one = CounterNumber(1)
        let engine: QueueEngine
        let far = SimulatedPrinter()
        let clock = ManualClock()
        let service: LEDBoardService
        let running: Task<Void, any Error>

        init(reasons: RatingReasons? = nil) async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-board-\(UUID().uuidString)").path
            let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
            try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
            var rules = QueueRules(
                services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
                counters: [CounterDefinition(number: one, services: [ServiceCode("A")])])
            rules.ratingReasons = reasons
            engine = try QueueEngine(rules: rules, database: database)
            let pty = try PseudoTerminal()
            far.serve(pty)
            var thanks = ThanksSettings()
            thanks.seconds = 1
            let board = BoardSettings(
                counter: one, port: pty.slavePath, address: 1, baud: 9600,
                format: LEDFrameFormat.soh07.with(gap: 10), refreshSeconds: 60)
            let service = LEDBoardService(engine: engine, boards: [board], thanks: thanks, logger: Logger(label: "test"), clock: clock)
            self.service = service
            running = Task { try await service.run() }
            let engine = self.engine
            try await waitUntil("the boards following the queue") { await engine.subscriberCount == 1 }
            try await engine.perform(.signIn(counter: one, officer: OfficerID("an")))
        }

        func stop() {
            running.cancel()
            far.stop()
        }

        func shown() -> [String] {
            var texts: [String] = []
            var bytes = far.received[...]
            while let start = bytes.firstIndex(of: 0x01), let end = bytes[start...].firstIndex(of: 0x07) {
                texts.append(String(decoding: bytes[(start + 2)..<end], as: UTF8.self))
                bytes = bytes[(end + 1)...]
            }
            return texts
        }
    }

    @Test func theBoardThanksTheCitizenThenShowsTheNumberAgain() async throws {
        let hall = try await Hall()
        defer { hall.stop() }
        let (engine, one) = (hall.engine, hall.one)
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.callNext(counter: one))
        try await waitUntil("A001 on the board") { hall.shown().last == "A001" }
        try await engine.perform(.rate(counter: one, level: 1))
        try await waitUntil("the thanks on the board, its second counting") { hall.shown().last == "CAM ON" && hall.clock.sleepers == 1 }
        // Within its second the thanks stays: its timer is still asleep.
        hall.clock.advance(by: .milliseconds(900))
        #expect(hall.clock.sleepers == 1 && hall.shown().last == "CAM ON", "the thanks stays its second")
        hall.clock.advance(by: .milliseconds(100))
        try await waitUntil("the number back after the thanks") { hall.shown().suffix(2) == ["CAM ON", "A001"] }

        // A new call during the thanks is not covered up when the thanks ends.
        try await engine.perform(.rate(counter: one, level: 2))
        try await waitUntil("the second thanks") { hall.shown().last == "CAM ON" && hall.clock.sleepers == 1 }
        try await engine.perform(.callNext(counter: one))
        try await waitUntil("A002 on the board") { hall.shown().last == "A002" }
        // The thanks' time passes (its timer would put A001 back): once it has ended, A002 stays.
        hall.clock.advance(by: .seconds(1))
        try await waitUntil("the thanks ended") { await hall.service.thanksShowing == 0 }
        #expect(hall.shown().last == "A002")
        #expect(!hall.shown().suffix(2).contains("A001"))
    }

    /// A press that asks for a reason: the board asks (`LY DO?`) while the question is open,
    /// thanks when the reason comes, then shows the number again.
    @Test func theBoardAsksForAReasonThenThanks() async throws {
        let hall = try await Hall(reasons: RatingReasons(labels: ["Thái độ phục vụ", "Thời gian chờ lâu"], askLevels: [3], seconds: 20))
        defer { hall.stop() }
        let (engine, one) = (hall.engine, hall.one)
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.callNext(counter: one))
        try await waitUntil("A001 on the board") { hall.shown().last == "A001" }
        try await engine.perform(.rate(counter: one, level: 3))
        try await waitUntil("the question on the board, its time counting") { hall.shown().last == "LY DO?" && hall.clock.sleepers == 1 }
        // Longer than a thanks, and the question's 20 s are not over: it stays.
        hall.clock.advance(by: .milliseconds(1300))
        #expect(hall.clock.sleepers == 1 && hall.shown().last == "LY DO?", "the question stays while it is open, longer than a thanks")
        try await engine.perform(.rate(counter: one, level: 2))
        try await waitUntil("the thanks once the reason came") { hall.shown().last == "CAM ON" && hall.clock.sleepers == 2 }
        hall.clock.advance(by: .seconds(1))
        try await waitUntil("the number back after the thanks") { hall.shown().suffix(2) == ["CAM ON", "A001"] }
    }
}
