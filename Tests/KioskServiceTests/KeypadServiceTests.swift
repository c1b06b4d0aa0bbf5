import Foundation
import Glibc
import KioskCore
import KioskDevices
import KioskStore
import KioskTestSupport
import Logging
import ServiceLifecycle
import Testing
@testable import KioskService

@Suite struct KeypadServiceTests {
    let config: KioskConfig

    init() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../hardware/examples/demo.toml").path
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
        let service = KeypadService(settings: settings, router: CommandRouter(engine: engine, issuer: nil),
                                    health: health, logger: log.logger)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        try await waitUntil("the keypad open") { health.all.first?.state == .ok }

        // Ten presses half a second apart (by their kernel timestamps), each with a 5 ms bounce.
        var events: [InputEvent] = []
        for i in 0..<10 {
            let at = Int64(1_800_000_000_000_000) + Int64(i) * 500_000
            events += InputEvent.tap(code: KeyNames.code(of: "KEY_KP2")!, seconds: at / 1_000_000, microseconds: at % 1_000_000)
            let bounce = at + 5_000
            events.append(InputEvent(seconds: bounce / 1_000_000, microseconds: bounce % 1_000_000, type: 1, code: KeyNames.code(of: "KEY_KP2")!, value: 1))
        }
        try InputEventWriter.write(events, to: fifo)
        // Every press is judged: three tickets, seven refusals, ten bounces.
        try await waitUntil("all presses judged") {
            log.lines("kiosk button pressed too often: no ticket").count == 7 && log.lines("key bounce ignored").count == 10
        }
        try await waitUntil("three tickets stored") { await engine.snapshot.tickets.count == 3 }
        let tickets = await engine.snapshot.tickets.values.map(\.display).sorted()
        #expect(tickets == ["1001", "1002", "1003"])
    }
}
