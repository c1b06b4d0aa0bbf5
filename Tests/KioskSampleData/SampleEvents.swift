import Foundation
import KioskCore
import KioskStore

/// Days of a centre written through the real event log (`KioskDatabase.append`, so the
/// projections are the daemon's own): each ticket issued, printed, called by the officer at
/// its counter, finished or not shown, most of them rated, some dissatisfied ones with a
/// reason, a few transferred. For the province's sync tests and benchmarks.
public struct SampleEvents {
    public var services: [ServiceCode] = ["A", "B", "C"].map { ServiceCode($0) }
    public var counters = 3
    public var officers = 4
    public var ticketsPerDay = 60
    public var ratedShare = 0.7
    public var seed: UInt64 = 7
    public var zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    public init() {}

    public struct Made: Sendable {
        public var tickets = 0, ratings = 0, events = 0
        /// The next free ticket id, for the days after these.
        public var nextTicketID: Int64 = 1

        public init(nextTicketID: Int64 = 1) { self.nextTicketID = nextTicketID }
    }

    static let labels = ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    static let reasons = ["Chờ lâu", "Thái độ", "Hướng dẫn chưa rõ"]

    /// `days` working days from `first` (Sundays closed); ticket ids from `firstTicketID`.
    /// One transaction per day.
    @discardableResult
    public func append(to database: KioskDatabase, from first: LocalDay, days: Int, firstTicketID: Int64 = 1) throws -> Made {
        var random = SplitMix64(seed: seed &+ UInt64(firstTicketID))
        var made = Made(nextTicketID: firstTicketID)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var date = first.start(in: zone)
        var done = 0
        for o in 1...officers where try database.officer(OfficerID("officer\(o)")) == nil {
            try database.addOfficer(
                Officer(id: OfficerID("officer\(o)"), name: "Cán bộ số \(o)", active: true, createdAt: Date(timeIntervalSince1970: 0)))
        }
        while done < days {
            defer { date = calendar.date(byAdding: .day, value: 1, to: date)! }
            if calendar.component(.weekday, from: date) == 1 { continue }
            done += 1
            let day = LocalDay(date, in: zone)
            let opening = date.addingTimeInterval(7.5 * 3600)
            var events = [QueueEvent(at: opening, .dayStarted(day: day))]
            // Two officers share a counter, on alternate days.
            let officerAt = (1...counters).map { c in OfficerID("officer\(((c - 1) * 2 + done % 2) % officers + 1)") }
            for c in 1...counters {
                events.append(QueueEvent(at: opening, .officerSignedIn(officer: officerAt[c - 1], counter: CounterNumber(c))))
            }
            var sequence: [ServiceCode: Int] = [:]
            for n in 0..<ticketsPerDay {
                let id = TicketID(made.nextTicketID)
                made.nextTicketID += 1
                let service = services[Int(random.next() % UInt64(services.count))]
                sequence[service, default: 0] += 1
                let seq = sequence[service]!
                let display = "\(service.rawValue)\(String(format: "%03d", seq))"
                let issued = opening.addingTimeInterval(Double(n) * 9 * 3600 / Double(ticketsPerDay) + Double(random.next() % 60))
                let ticket = Ticket(
                    id: id, day: day, service: service, sequence: seq, number: seq, display: display,
                    priority: random.next() % 10 == 0, issuedAt: issued, print: .pending)
                let counter = CounterNumber(Int(random.next() % UInt64(counters)) + 1)
                let officer = officerAt[counter.rawValue - 1]
                events.append(QueueEvent(at: issued, .ticketIssued(ticket: ticket, waitingAhead: 0)))
                events.append(QueueEvent(at: issued.addingTimeInterval(1), .ticketPrinted(ticket: id, display: display)))
                var called = issued.addingTimeInterval(60 + Double(random.next() % 1800))
                if random.next() % 50 == 0 {
                    // Called at the wrong counter, sent to another one, called again there.
                    let other = CounterNumber(counter.rawValue % counters + 1)
                    events.append(
                        QueueEvent(
                            at: called, .ticketCalled(ticket: id, display: display, counter: other, officer: officerAt[other.rawValue - 1]))
                    )
                    events.append(
                        QueueEvent(at: called.addingTimeInterval(30), .ticketTransferred(ticket: id, from: other, to: .counter(counter))))
                    called = called.addingTimeInterval(60)
                }
                events.append(QueueEvent(at: called, .ticketCalled(ticket: id, display: display, counter: counter, officer: officer)))
                let finished = called.addingTimeInterval(120 + Double(random.next() % 900))
                guard random.next() % 100 >= 3 else {
                    events.append(QueueEvent(at: finished, .ticketNoShow(ticket: id, counter: counter)))
                    made.tickets += 1
                    continue
                }
                events.append(QueueEvent(at: finished, .ticketFinished(ticket: id, counter: counter, outcome: .served)))
                made.tickets += 1
                guard Double(random.next() % 1000) < ratedShare * 1000 else { continue }
                let pick = random.next() % 100
                let level = pick < 65 ? 1 : pick < 92 ? 2 : 3
                let rated = finished.addingTimeInterval(4)
                events.append(
                    QueueEvent(
                        at: rated,
                        .ratingRecorded(
                            rating: Rating(
                                counter: counter, ticket: id, ticketDisplay: display, service: service, officer: officer, level: level,
                                label: Self.labels[level - 1], scaleSize: 3, satisfied: level <= 2, flag: nil))))
                made.ratings += 1
                if level == 3, random.next() % 2 == 0 {
                    let reason = Int(random.next() % 3) + 1
                    events.append(
                        QueueEvent(
                            at: rated.addingTimeInterval(6),
                            .ratingReasonGiven(
                                counter: counter, ticket: id, reason: reason,
                                label: Self.reasons[reason - 1])))
                }
            }
            made.events += events.count
            try database.append(events, day: day, durable: false)
        }
        return made
    }
}
