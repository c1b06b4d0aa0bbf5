import Foundation
import Glibc
import KioskCore
import KioskDevices
import KioskRuntime
import KioskStore
import KioskTestSupport
import Logging
import ServiceLifecycle
import Testing

@testable import KioskService

@Suite struct KeypadServiceTests {
    let config: KioskConfig

    init() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../hardware/examples/demo.toml")
            .path
        config = try ConfigLoader.load(file: file)
    }

    func keypad(_ name: String) -> KeypadSettings { config.keypads.first { $0.name == name }! }

    @Test func keysBecomeTheCommandsTheConfigSays() {
        func command(_ key: String, on name: String) -> QueueCommand? {
            KeypadService.command(for: KeyNames.code(of: key)!, on: keypad(name).role)
        }
        #expect(command("KEY_KP1", on: "kiosk") == .issueTicket(service: ServiceCode("A"), priority: false))
        #expect(command("KEY_KP8", on: "kiosk") == .issueTicket(service: ServiceCode("B"), priority: true))
        #expect(command("KEY_KPENTER", on: "officer-1") == .callNext(counter: CounterNumber(1)))
        #expect(command("KEY_KPMINUS", on: "officer-1") == .noShow(counter: CounterNumber(1)))
        #expect(command("KEY_KPDOT", on: "officer-1") == .returnHeld(counter: CounterNumber(1), display: nil))
        #expect(command("KEY_KPENTER", on: "officer-2") == .callNext(counter: CounterNumber(2)))
        #expect(command("KEY_KP3", on: "rating-2") == .rate(counter: CounterNumber(2), level: 3))
        #expect(command("KEY_A", on: "kiosk") == nil)
        #expect(keypad("kiosk").filter == PressFilter.Settings(debounce: 0.05, limit: 3, window: 20))
        #expect(keypad("rating-1").filter.limit == nil)
    }

    @Test func aHammeredKioskButtonPrintsThreeTicketsNotTen() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-hammer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fifo = "\(folder)/kiosk.keypad"
        #expect(mkfifo(fifo, 0o600) == 0)
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        let engine = try QueueEngine(rules: config.rules, database: database)
        var settings = keypad("kiosk")
        settings.locator = .path(fifo)
        let health = DeviceHealth()
        let log = RecordingLog()
        let router = CommandRouter(engine: engine, issuer: nil)
        let readiness = Readiness()
        let service = KeypadService(
            settings: settings, router: router, health: health, logger: log.logger,
            ready: readiness.part("keypad kiosk"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        #expect(await readiness.waitForAll(limit: .seconds(10)).isEmpty, "the keypad was tried")
        #expect(health.all.first?.state == .ok)

        // Ten presses half a second apart (by their kernel timestamps), each with a 5 ms bounce.
        var events: [InputEvent] = []
        for i in 0..<10 {
            let at = Int64(1_800_000_000_000_000) + Int64(i) * 500_000
            events += InputEvent.tap(code: KeyNames.code(of: "KEY_KP2")!, seconds: at / 1_000_000, microseconds: at % 1_000_000)
            let bounce = at + 5_000
            events.append(
                InputEvent(
                    seconds: bounce / 1_000_000, microseconds: bounce % 1_000_000, type: 1, code: KeyNames.code(of: "KEY_KP2")!, value: 1))
        }
        try InputEventWriter.write(events, to: fifo)
        // Every press is judged: three tickets, seven refusals, ten bounces.
        try await waitUntil("all presses judged") {
            log.lines("kiosk button pressed too often: no ticket").count == 7 && log.lines("key bounce ignored").count == 10
        }
        try await waitUntil("three tickets stored") { await engine.snapshot.tickets.count == 3 }
        let tickets = await engine.snapshot.tickets.values.map(\.display).sorted()
        #expect(tickets == ["1001", "1002", "1003"])
        // Dropped presses are counted for /metrics, and logged at debug only.
        #expect(router.droppedPresses.all == [.init(keypad: "kiosk", reason: .rateLimit): 7, .init(keypad: "kiosk", reason: .bounce): 10])
        #expect(
            (log.lines("kiosk button pressed too often: no ticket") + log.lines("key bounce ignored")).allSatisfy { $0.level == .debug })
    }

    /// A scanner at counter 1 reads two codes, typed as a scanner types them, into its FIFO:
    /// each links the ticket served there; the one not in the national format is kept and
    /// warned about.
    @Test func aScannerLinksWhatItReadsToTheTicketServedAtItsCounter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-scanner-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fifo = "\(folder)/scanner"
        #expect(mkfifo(fifo, 0o600) == 0)
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        let engine = try QueueEngine(rules: config.rules, database: database)
        let settings = KeypadSettings(
            name: "scanner-1", locator: .path(fifo), grab: true, filter: PressFilter.Settings(debounce: 0),
            role: .scanner(counter: CounterNumber(1), gap: 0.1), keyNames: [:])
        let health = DeviceHealth()
        let log = RecordingLog()
        let service = KeypadService(
            settings: settings, router: CommandRouter(engine: engine, issuer: nil), health: health, logger: log.logger)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await waitUntil("the scanner open") { health.all.first?.state == .ok }
        try await engine.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.callNext(counter: CounterNumber(1)))

        var clock = Int64(1_800_000_000_000_000)
        func typed(_ text: String) -> [InputEvent] {
            var events: [InputEvent] = []
            func key(_ name: String, _ value: Int32) {
                events.append(
                    InputEvent(
                        seconds: clock / 1_000_000, microseconds: clock % 1_000_000, type: 1, code: KeyNames.code(of: name)!, value: value))
                clock += 2_000
            }
            for ch in text + "\n" {
                let name = ch == "\n" ? "KEY_ENTER" : ch == "." ? "KEY_DOT" : ch == "-" ? "KEY_MINUS" : "KEY_\(ch.uppercased())"
                if ch.isUppercase { key("KEY_LEFTSHIFT", 1) }
                key(name, 1)
                key(name, 0)
                if ch.isUppercase { key("KEY_LEFTSHIFT", 0) }
            }
            return events
        }
        try InputEventWriter.write(typed("000.00.12.H56-250701-0001") + typed("hs-77"), to: fifo)
        func codes() throws -> [String] {
            var found: [String] = []
            try database.forEachDossier(
                ExportFilter(from: LocalDay(year: 2000, month: 1, day: 1), to: LocalDay(year: 2100, month: 1, day: 1))
            ) {
                found.append("\($0.ticket) \($0.code)")
            }
            return found
        }
        try await waitUntil("two dossiers linked") { (try? codes().count) == 2 }
        #expect(try codes() == ["A001 000.00.12.H56-250701-0001", "A001 hs-77"])
        let warned = log.lines("scanned code does not look like a dossier code (000.00.12.H56-250701-0001): stored as read")
        #expect(warned.map { $0.metadata["dossier"] } == ["hs-77"], "hs-77 is kept, and warned about; the national code is not")
    }
}
