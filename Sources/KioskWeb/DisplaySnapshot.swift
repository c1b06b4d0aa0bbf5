import Foundation
import KioskCore
import KioskService

/// What the hall display and the read-only API show: calls (number → counter), counters,
/// people waiting per service. Never who rated what.
public struct DisplaySnapshot: Codable, Sendable, Equatable {
    public struct Call: Codable, Sendable, Equatable {
        public var number: String
        public var counter: Int
        public var counterName: String
        public var service: String
        public var at: Date
        public var recall: Bool
    }

    public struct Counter: Codable, Sendable, Equatable {
        public var number: Int
        public var name: String
        public var serving: String?
        public var open: Bool
        /// The name of the officer signed in there.
        public var officer: String?
        /// Where the counter screen finds that officer's photo, when there is one.
        public var photo: String?
    }

    public struct Service: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var waiting: Int
    }

    public var centre: String
    /// The centre's time zone, so the TV's clock shows the centre's time whatever its own setting.
    public var timeZone: String
    public var day: String?
    public var calls: [Call]
    public var counters: [Counter]
    public var services: [Service]

    init(_ state: QueueState, centreName: String, officers: OfficerCards? = nil) {
        let rules = state.rules
        centre = centreName
        timeZone = rules.timeZone.identifier
        day = state.day?.iso
        calls = state.recentCalls.map { call in
            Call(
                number: call.display, counter: call.counter.rawValue,
                counterName: rules.counter(call.counter)?.name ?? "Quầy số \(call.counter.rawValue)",
                service: rules.service(call.service)?.name ?? call.service.rawValue, at: call.at, recall: call.recall)
        }
        counters = rules.counters.map { c in
            let officer = state.counters[c.number]?.officer
            let card = officer.flatMap { officers?.card($0) }
            return Counter(
                number: c.number.rawValue, name: c.name, serving: state.currentTicket(at: c.number)?.display,
                open: officer != nil, officer: card?.name,
                photo: card?.photo == nil ? nil : "/display/counter/\(c.number.rawValue)/photo?v=\(OfficerCards.token(officer!))")
        }
        services = rules.services.map { s in Service(code: s.code.rawValue, name: s.name, waiting: state.waitingCount(s.code)) }
    }
}
