import ArgumentParser
import Foundation
import GRDB
import KioskCore

/// How good the ticket's wait estimate is: each day of a generated year replayed through the
/// queue's own rules, with the day's arrivals and service times, counters that call the next
/// ticket as soon as they are free, and the estimate each ticket got when it was issued set
/// against the wait it then had.
struct WaitEstimateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-estimate",
        abstract: "Replay each day of a generated year and print the wait estimate's mean absolute error by service.")
    @Option(help: "A database made by `sample-year`.") var database: String
    @Option(help: "How busy the counters are kept (their share of the day spent serving).") var load = 0.85

    struct Arrival {
        var service: ServiceCode
        var issued: Date
        var duration: TimeInterval
    }

    func run() throws {
        let queue = try DatabaseQueue(path: database)
        // Finished tickets only: their issue time and how long they took at the counter.
        var days: [String: [Arrival]] = [:]
        try queue.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT day, service, issued_at, finished_at - called_at FROM ticket
                    WHERE status = 'finished' AND finished_at IS NOT NULL ORDER BY id
                    """)
            while let row = try rows.next() {
                days[row[0], default: []].append(
                    Arrival(
                        service: ServiceCode(row[1] as String),
                        issued: Date(timeIntervalSince1970: row[2]), duration: row[3]))
            }
        }
        let all = days.values.flatMap { $0 }
        guard !all.isEmpty else { throw ValidationError("no finished tickets in \(database)") }
        let services = Set(all.map(\.service)).sorted { $0.rawValue < $1.rawValue }
        // As many counters as keep the hall `load` busy over a working day of the generated kind.
        let perDay = Double(all.count) / Double(days.count)
        let meanService = all.map(\.duration).reduce(0, +) / Double(all.count)
        let openSeconds = 9.0 * 3600
        let counterCount = Int((perDay * meanService / (openSeconds * load)).rounded(.up))

        var errors: [ServiceCode: [Double]] = [:]
        var waits: [ServiceCode: [Double]] = [:]
        var issued: [ServiceCode: Int] = [:]
        for (_, arrivals) in days.sorted(by: { $0.key < $1.key }) {
            let result = Self.replay(arrivals.sorted { $0.issued < $1.issued }, services: services, counters: counterCount)
            for (service, estimate, wait) in result {
                issued[service, default: 0] += 1
                waits[service, default: []].append(wait)
                if let estimate { errors[service, default: []].append(abs(estimate - wait)) }
            }
        }
        print("service\ttickets\twith an estimate\tmean wait (min)\tmean absolute error (min)")
        for service in services {
            let e = errors[service] ?? []
            let w = waits[service] ?? []
            print(
                "\(service.rawValue)\t\(issued[service] ?? 0)\t\(String(format: "%.0f %%", 100 * Double(e.count) / Double(max(1, w.count))))"
                    + "\t\(String(format: "%.1f", w.reduce(0, +) / Double(max(1, w.count)) / 60))"
                    + "\t\(String(format: "%.1f", e.reduce(0, +) / Double(max(1, e.count)) / 60))")
        }
        let e = errors.values.flatMap { $0 }
        let w = waits.values.flatMap { $0 }
        print(
            "all\t\(w.count)\t\(String(format: "%.0f %%", 100 * Double(e.count) / Double(max(1, w.count))))"
                + "\t\(String(format: "%.1f", w.reduce(0, +) / Double(max(1, w.count)) / 60))"
                + "\t\(String(format: "%.1f", e.reduce(0, +) / Double(max(1, e.count)) / 60))")
        print(
            "(\(days.count) days, \(counterCount) counters serving every service in rotated orders, busy \(Int(load * 100)) % of the day,"
                + " mean service \(String(format: "%.1f", meanService / 60)) min)")
    }

    /// One day: (service, the estimate given at issue, the wait it had) for each ticket.
    static func replay(_ arrivals: [Arrival], services: [ServiceCode], counters: Int) -> [(ServiceCode, TimeInterval?, TimeInterval)] {
        let definitions = services.map { ServiceDefinition(code: $0, name: $0.rawValue, prefix: $0.rawValue, lastNumber: 9999) }
        let numbers = (1...counters).map { CounterNumber($0) }
        // Every counter serves every service, each in its own order (counter 2 starts with the
        // second service, …): a counter calls its first service's citizens first, so with one
        // order for all, the last service would wait for every other.
        let rotated = numbers.map { c in
            CounterDefinition(number: c, services: (0..<services.count).map { services[($0 + c.rawValue - 1) % services.count] })
        }
        var state = QueueState(rules: QueueRules(services: definitions, counters: rotated, priorityPolicy: .strict))
        guard let opening = arrivals.first?.issued.addingTimeInterval(-60) else { return [] }
        for c in numbers { _ = state.handle(.signIn(counter: c, officer: OfficerID("officer\(c.rawValue)")), at: opening) }
        var duration: [TicketID: TimeInterval] = [:]
        var estimate: [TicketID: (ServiceCode, TimeInterval?, Date)] = [:]
        var freeAt: [CounterNumber: Date] = [:]  // busy counters, until when
        var results: [(ServiceCode, TimeInterval?, TimeInterval)] = []

        func call(_ c: CounterNumber, at now: Date) {
            guard case .success(let events) = state.handle(.callNext(counter: c), at: now) else { return }
            for event in events {
                guard case .ticketCalled(let id, _, _, _) = event.kind, let (service, guess, issued) = estimate[id] else { continue }
                results.append((service, guess, now.timeIntervalSince(issued)))
                freeAt[c] = now.addingTimeInterval(duration[id] ?? 0)
            }
        }
        var next = 0
        while next < arrivals.count || !freeAt.isEmpty {
            let finishing = freeAt.min { $0.value < $1.value }
            if next < arrivals.count, finishing == nil || arrivals[next].issued <= finishing!.value {
                let arrival = arrivals[next]
                next += 1
                guard case .success(let events) = state.handle(.issueTicket(service: arrival.service, priority: false), at: arrival.issued),
                    case .ticketIssued(let ticket, _)? = events.last?.kind
                else { continue }
                duration[ticket.id] = arrival.duration
                estimate[ticket.id] = (arrival.service, ticket.estimatedWait, arrival.issued)
                if let idle = numbers.first(where: { freeAt[$0] == nil }) { call(idle, at: arrival.issued) }
            } else if let (c, at) = finishing {
                freeAt[c] = nil
                _ = state.handle(.finish(counter: c, outcome: .served), at: at)
                call(c, at: at)
            }
        }
        return results
    }
}
