import Foundation
import KioskCore
import KioskStore
import Testing

@testable import KioskService

private func makeEngine(at now: Date) throws -> (QueueEngine, KioskDatabase, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-engine-\(UUID().uuidString).sqlite").path
    let database = try KioskDatabase(path: path)
    let rules = QueueRules(
        services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
        counters: [CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A")])])
    let engine = try QueueEngine(rules: rules, database: database, clock: { now })
    return (engine, database, path)
}

private let morning = LocalDay(year: 2026, month: 3, day: 2).start(in: TimeZone(identifier: "Asia/Ho_Chi_Minh")!).addingTimeInterval(
    8 * 3600)

@Suite struct EngineTests {
    @Test func onlyAnExistingActiveOfficerSignsIn() async throws {
        let (engine, database, _) = try makeEngine(at: morning)
        await #expect(throws: CommandError.self) { try await engine.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an"))) }
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: morning))
        try await engine.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
        #expect(await engine.snapshot.counters[CounterNumber(1)]?.officer == OfficerID("an"))
        _ = try database.setOfficerActive(OfficerID("an"), false)
        try await engine.perform(.signOut(counter: CounterNumber(1)))
        await #expect(throws: CommandError.self) { try await engine.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an"))) }
    }

    @Test func subscribersSeeCommittedEventsInOrderAndRefusalsChangeNothing() async throws {
        let (engine, database, path) = try makeEngine(at: morning)
        let (initial, stream) = await engine.subscribe()
        #expect(initial.tickets.isEmpty)
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: true))
        let before = await engine.snapshot
        await #expect(throws: CommandError.self) { try await engine.perform(.callNext(counter: CounterNumber(1))) }
        #expect(await engine.snapshot == before)
        await engine.closeSubscriptions()
        var names: [String] = []
        for await event in stream { names.append(event.name) }
        #expect(names == ["dayStarted", "ticketIssued", "ticketIssued"])
        #expect(try database.eventCount() == 3)

        // What was announced was stored: a new engine on the same file has the same queue.
        let again = try QueueEngine(rules: engine.rules, database: KioskDatabase(path: path), clock: { morning })
        #expect(await again.snapshot == before)
    }
}

extension EngineTests {
    /// A display that stops reading keeps only its newest events waiting, not the day's.
    @Test func aSubscriberThatStopsReadingHoldsABoundedBuffer() async throws {
        let (engine, _, _) = try makeEngine(at: morning)
        let (_, stream) = await engine.subscribe(buffer: 4)
        for _ in 0..<20 { try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false)) }
        await engine.closeSubscriptions()
        var kept: [String] = []
        for await event in stream {
            if case .ticketIssued(let ticket, _) = event.kind { kept.append(ticket.display) }
        }
        #expect(kept == ["A017", "A018", "A019", "A020"], "the newest four, the older ones dropped")
    }
}
