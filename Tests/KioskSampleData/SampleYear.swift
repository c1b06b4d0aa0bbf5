import Foundation
import GRDB
import KioskCore
import KioskStore

/// A plausible year of a busy centre, for benchmarks and the report tests: never part of the
/// daemon (`kiosk-bench sample-year` makes one).
public enum SampleYear {
    /// Fills the database at `path` (its schema made by `KioskDatabase`) with a year, straight
    /// into the tables (the event log stays empty). Deterministic for a given seed.
    public static func fill(
        path: String, year: Int, services: [ServiceCode], officers: Int, counters: Int,
        ticketsPerDay: Int, ratedShare: Double, seed: UInt64 = 42
    ) throws -> (tickets: Int, ratings: Int) {
        _ = try KioskDatabase(path: path)  // the schema
        let pool = try DatabaseQueue(path: path)
        var random = SplitMix64(seed: seed)
        var tickets = 0
        var ratings = 0
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        try pool.write { db in
            for o in 1...officers {
                try db.execute(
                    sql: "INSERT INTO officer (id, name, active, created_at) VALUES (?, ?, 1, 0)",
                    arguments: ["officer\(o)", "Cán bộ số \(o)"])
            }
            let insertTicket = try db.makeStatement(
                sql: """
                    INSERT INTO ticket (id, day, service, sequence, number, display, priority, issued_at, status, counter, officer,
                                        called_at, finished_at, outcome, recalls, transfers, print_state, rated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'printed', ?)
                    """)
            let insertRating = try db.makeStatement(
                sql: """
                    INSERT INTO rating (at, day, counter, ticket_id, service, officer, level, label, scale_size, satisfied, flag)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 3, ?, ?)
                    """)
            let labels = ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            var date = calendar.date(from: DateComponents(year: year, month: 1, day: 1))!
            var id: Int64 = 0
            while calendar.component(.year, from: date) == year {
                defer { date = calendar.date(byAdding: .day, value: 1, to: date)! }
                if calendar.component(.weekday, from: date) == 1 { continue }  // closed on Sundays
                let day = LocalDay(date, in: zone).iso
                let opening = date.timeIntervalSince1970 + 7.5 * 3600
                var sequence: [ServiceCode: Int] = [:]
                for n in 0..<ticketsPerDay {
                    id += 1
                    let service = services[Int(random.next() % UInt64(services.count))]
                    sequence[service, default: 0] += 1
                    let seq = sequence[service]!
                    let issued = opening + Double(n) * (9 * 3600 / Double(ticketsPerDay))
                    let counter = Int(random.next() % UInt64(counters)) + 1
                    // Two officers share a counter, on alternate days.
                    let officer = "officer\((counter - 1) * 2 % officers + (calendar.ordinality(of: .day, in: .year, for: date)! % 2) + 1)"
                    let called = issued + Double(random.next() % 2400)
                    let roll = random.next() % 100
                    let status = roll < 95 ? "finished" : roll < 98 ? "noShow" : "expired"
                    let finished: Double? = status == "expired" ? nil : called + 180 + Double(random.next() % 1020)
                    let rated = status == "finished" && Double(random.next() % 1000) < ratedShare * 1000
                    try insertTicket.execute(arguments: [
                        id, day, service.rawValue, seq, seq % 999 + 1, "\(service.rawValue)\(seq % 999 + 1)", roll % 10 == 0,
                        issued, status, status == "expired" ? nil : counter, status == "expired" ? nil : officer,
                        status == "expired" ? nil : called, finished, status == "finished" ? "served" : nil, roll == 50 ? 1 : 0, rated,
                    ])
                    tickets += 1
                    if rated, let finished {
                        let pick = random.next() % 100
                        let level = pick < 70 ? 1 : pick < 95 ? 2 : 3
                        try insertRating.execute(arguments: [
                            finished + 5, day, counter, id, service.rawValue, officer, level,
                            labels[level - 1], level <= 2, nil as String?,
                        ])
                        ratings += 1
                    }
                }
            }
        }
        return (tickets, ratings)
    }
}
