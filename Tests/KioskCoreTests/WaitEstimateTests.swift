import Foundation
import Testing

@testable import KioskCore

@Suite struct WaitEstimateTests {
    let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    let a = ServiceCode("A"), b = ServiceCode("B")

    func state(counters: [[ServiceCode]]) -> QueueState {
        let services = [a, b].map { ServiceDefinition(code: $0, name: $0.rawValue, prefix: $0.rawValue) }
        let rules = QueueRules(
            services: services,
            counters: counters.enumerated().map {
                CounterDefinition(number: CounterNumber($0.offset + 1), services: $0.element)
            }, priorityPolicy: .strict)
        return QueueState(rules: rules)
    }

    func at(_ minutes: Double) -> Date {
        LocalDay(year: 2026, month: 3, day: 2).start(in: zone).addingTimeInterval(8 * 3600 + minutes * 60)
    }

    @discardableResult
    func issue(_ s: inout QueueState, _ service: ServiceCode, _ minutes: Double) throws -> Ticket {
        let events = try s.handle(.issueTicket(service: service, priority: false), at: at(minutes)).get()
        guard case .ticketIssued(let ticket, _)? = events.last?.kind else { throw QueueRejection.unknownService(service) }
        return ticket
    }

    /// Five services of 10 minutes at counter 1, then both counters busy: a new ticket
    /// waits for the first of them to free up (about half a service over two counters), the
    /// third in line for two more halves.
    @Test func peopleAheadOverOpenCountersTimesTheRecentServiceTime() throws {
        var s = state(counters: [[a], [a]])
        _ = s.handle(.signIn(counter: CounterNumber(1), officer: OfficerID("an")), at: at(0))
        var minute = 0.0
        for _ in 0..<5 {
            try issue(&s, a, minute)
            _ = try s.handle(.callNext(counter: CounterNumber(1)), at: at(minute)).get()
            _ = try s.handle(.finish(counter: CounterNumber(1), outcome: .served), at: at(minute + 10)).get()
            minute += 10
        }
        #expect(s.recentServiceSeconds[a] == Array(repeating: 600, count: 5))
        #expect(try issue(&s, a, minute).estimatedWait == 0, "a free counter takes the next citizen at once")
        _ = s.handle(.signIn(counter: CounterNumber(2), officer: OfficerID("binh")), at: at(minute))
        try issue(&s, a, minute)
        for c in [1, 2] { _ = try s.handle(.callNext(counter: CounterNumber(c)), at: at(minute)).get() }
        #expect(try issue(&s, a, minute).estimatedWait == 0.5 * 600 / 2)
        try issue(&s, a, minute)
        let third = try issue(&s, a, minute)
        #expect(third.estimatedWait == 2.5 * 600 / 2)
        #expect(WaitEstimate.vietnamese(third.estimatedWait!) == "khoảng 15 phút")
        // Service B has no history: nothing is said.
        #expect(try issue(&s, b, minute).estimatedWait == nil)
    }

    @Test func tooLittleHistoryOrNoOpenCounterSaysNothing() throws {
        var s = state(counters: [[a]])
        _ = s.handle(.signIn(counter: CounterNumber(1), officer: OfficerID("an")), at: at(0))
        for i in 0..<4 {
            try issue(&s, a, Double(i))
            _ = try s.handle(.callNext(counter: CounterNumber(1)), at: at(Double(i)))
            _ = try s.handle(.finish(counter: CounterNumber(1), outcome: .served), at: at(Double(i) + 0.5)).get()
        }
        #expect(try issue(&s, a, 10).estimatedWait == nil, "four services are too few")
        _ = try s.handle(.callNext(counter: CounterNumber(1)), at: at(10)).get()
        _ = try s.handle(.finish(counter: CounterNumber(1), outcome: .served), at: at(11)).get()
        #expect(try issue(&s, a, 12).estimatedWait != nil)
        _ = try s.handle(.signOut(counter: CounterNumber(1)), at: at(12)).get()
        #expect(try issue(&s, a, 13).estimatedWait == nil, "no counter open for the service")
    }

    /// A counter shared by two services with people waiting gives each half its time.
    @Test func aSharedCounterCountsByHalves() throws {
        var s = state(counters: [[a, b]])
        _ = s.handle(.signIn(counter: CounterNumber(1), officer: OfficerID("an")), at: at(0))
        for i in 0..<5 {
            try issue(&s, a, Double(i * 6))
            _ = try s.handle(.callNext(counter: CounterNumber(1)), at: at(Double(i * 6)))
            _ = try s.handle(.finish(counter: CounterNumber(1), outcome: .served), at: at(Double(i * 6 + 6))).get()
        }
        #expect(try issue(&s, a, 40).estimatedWait == 0, "nobody ahead, the counter free")
        try issue(&s, b, 40)
        // One A ahead; the counter's time goes half to A, half to B: the A ahead takes it first.
        #expect(try issue(&s, a, 40).estimatedWait == (2 - 0.5 - 0.5) * 360 / 0.5)
    }

    @Test func theWordsAreRoundedAndHonest() {
        #expect(WaitEstimate.vietnamese(120) == "dưới 5 phút")
        #expect(WaitEstimate.vietnamese(13 * 60) == "khoảng 15 phút")
        #expect(WaitEstimate.vietnamese(17 * 60) == "khoảng 15 phút")
        #expect(WaitEstimate.vietnamese(18 * 60) == "khoảng 20 phút")
        #expect(WaitEstimate.vietnamese(3 * 3600) == "hơn 2 giờ")
    }
}
