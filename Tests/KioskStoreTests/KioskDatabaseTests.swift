import Foundation
import GRDB
import KioskCore
import KioskSampleData
import Testing

@testable import KioskStore

private let rules = QueueRules(
    services: [
        ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A"),
        ServiceDefinition(code: ServiceCode("B"), name: "Hộ tịch", firstNumber: 1001, lastNumber: 1999),
    ],
    counters: [
        CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A"), ServiceCode("B")]),
        CounterDefinition(number: CounterNumber(2), services: [ServiceCode("B")]),
    ])

private func temporaryPath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-store-\(UUID().uuidString)")
    return folder.appendingPathComponent("kiosk.sqlite").path
}

/// 2026-03-02 at hh:mm in Hanoi.
private func at(_ hour: Int, _ minute: Int, day: Int = 2) -> Date {
    LocalDay(year: 2026, month: 3, day: day).start(in: rules.timeZone).addingTimeInterval(Double(hour * 3600 + minute * 60))
}

/// Applies commands to the state and stores what they cause, as the engine does.
private func run(_ commands: [(QueueCommand, Date)], on state: inout QueueState, _ db: KioskDatabase) throws {
    for (command, time) in commands {
        let events = try state.handle(command, at: time).get()
        try db.append(events, day: state.day!)
    }
}

@Suite struct KioskDatabaseTests {
    @Test func reopeningTheFileRebuildsTheSameQueue() throws {
        let path = temporaryPath()
        var live = QueueState(rules: rules)
        do {
            let db = try KioskDatabase(path: path)
            try db.addOfficer(Officer(id: OfficerID("an"), name: "Nguyễn Văn An", createdAt: at(7, 0)))
            try db.addOfficer(Officer(id: OfficerID("binh"), name: "Trần Thị Bình", createdAt: at(7, 0)))
            try run(
                [
                    (.signIn(counter: CounterNumber(1), officer: OfficerID("an")), at(8, 0)),
                    (.signIn(counter: CounterNumber(2), officer: OfficerID("binh")), at(8, 0)),
                    (.issueTicket(service: ServiceCode("A"), priority: false), at(8, 1)),
                    (.issueTicket(service: ServiceCode("B"), priority: true), at(8, 2)),
                    (.issueTicket(service: ServiceCode("B"), priority: false), at(8, 3)),
                    (.issueTicket(service: ServiceCode("A"), priority: false), at(8, 3)),
                    (.callNext(counter: CounterNumber(1)), at(8, 4)),
                    (.callNext(counter: CounterNumber(2)), at(8, 5)),
                    (.hold(counter: CounterNumber(2)), at(8, 6)),
                    (.rate(counter: CounterNumber(1), level: 2), at(8, 7)),
                    (.callNext(counter: CounterNumber(1)), at(8, 8)),
                ], on: &live, db)
        }
        let reopened = try KioskDatabase(path: path)
        let log = try reopened.replayLog()
        let rebuilt = QueueState(rules: rules, nextTicketID: log.nextTicketID, replaying: log.events)
        #expect(rebuilt == live)
        // Counter 1 calls A before B; counter 2 took the normal 1002 before the priority 1001
        // (interleave policy, nothing called there yet) and holds it.
        #expect(rebuilt.currentTicket(at: CounterNumber(1))?.display == "A002")
        #expect(rebuilt.counters[CounterNumber(2)]?.held.compactMap { rebuilt.tickets[$0]?.display } == ["1002"])
        #expect(rebuilt.waiting.compactMap { rebuilt.tickets[$0]?.display } == ["1001"])

        // The next day the log starts at that day's start, and ids go on.
        var nextDay = rebuilt
        try run([(.issueTicket(service: ServiceCode("A"), priority: false), at(8, 0, day: 3))], on: &nextDay, reopened)
        let log2 = try reopened.replayLog()
        #expect(log2.nextTicketID == TicketID(6))
        #expect(QueueState(rules: rules, nextTicketID: log2.nextTicketID, replaying: log2.events) == nextDay)
        #expect(nextDay.tickets[TicketID(5)]?.display == "A001")
        // History is kept: yesterday's tickets are still in the file, expired ones marked.
        let statuses = try reopened.pool.read { db in
            try String.fetchAll(db, sql: "SELECT display || ':' || status FROM ticket WHERE day = '2026-03-02' ORDER BY id")
        }
        #expect(statuses == ["A001:finished", "1001:expired", "1002:expired", "A002:expired"])
    }

    @Test func theSameNumberCannotBeIssuedTwiceInADay() throws {
        let db = try KioskDatabase(path: temporaryPath())
        var state = QueueState(rules: rules)
        let events = try state.handle(.issueTicket(service: ServiceCode("A"), priority: false), at: at(8, 0)).get()
        try db.append(events, day: state.day!)
        // A second process (or a crash-restarted daemon that lost its state) issuing A001 again.
        var stale = QueueState(rules: rules, nextTicketID: TicketID(99))
        let again = try stale.handle(.issueTicket(service: ServiceCode("A"), priority: false), at: at(8, 1)).get()
        #expect(throws: DatabaseError.self) { try db.append(again.filter { $0.name == "ticketIssued" }, day: state.day!) }
        #expect(try db.replayLog().events.count == events.count)
    }

    @Test func theDatabaseIsDurable() throws {
        let db = try KioskDatabase(path: temporaryPath())
        // The connection that commits is the one that must wait for the disk: GRDB sets its
        // writer to NORMAL when it turns WAL on, after our own settings ran.
        let (mode, sync, keys) = try db.pool.writeWithoutTransaction { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(mode == "wal")
        #expect(sync == 2)  // FULL
        #expect(keys == 1)
    }

    @Test func aTicketCannotNameAnUnknownOfficer() throws {
        let db = try KioskDatabase(path: temporaryPath())
        var state = QueueState(rules: rules)
        try run(
            [
                (.signIn(counter: CounterNumber(1), officer: OfficerID("ghost")), at(8, 0)),
                (.issueTicket(service: ServiceCode("A"), priority: false), at(8, 1)),
            ], on: &state, db)
        let call = try state.handle(.callNext(counter: CounterNumber(1)), at: at(8, 2)).get()
        #expect(throws: DatabaseError.self) { try db.append(call, day: state.day!) }
    }

    @Test func satisfactionCountsPerOfficerLeaveFlaggedPressesOut() throws {
        let db = try KioskDatabase(path: temporaryPath())
        try db.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: at(7, 0)))
        try db.addOfficer(Officer(id: OfficerID("binh"), name: "Bình", createdAt: at(7, 0)))
        var state = QueueState(rules: rules)
        let one = CounterNumber(1)
        let two = CounterNumber(2)
        var commands: [(QueueCommand, Date)] = [
            (.signIn(counter: one, officer: OfficerID("an")), at(8, 0)),
            (.signIn(counter: two, officer: OfficerID("binh")), at(8, 0)),
        ]
        for _ in 0..<5 { commands.append((.issueTicket(service: ServiceCode("B"), priority: false), at(8, 1))) }
        commands += [
            (.callNext(counter: one), at(8, 2)), (.rate(counter: one, level: 1), at(8, 3)),
            (.rate(counter: one, level: 3), at(8, 3)),  // second vote: flagged
            (.callNext(counter: one), at(8, 4)), (.rate(counter: one, level: 3), at(8, 5)),
            (.callNext(counter: one), at(8, 6)), (.finish(counter: one, outcome: .served), at(8, 7)),  // not rated
            (.callNext(counter: two), at(8, 8)), (.rate(counter: two, level: 2), at(8, 9)),
            (.finish(counter: two, outcome: .served), at(8, 10)),
            (.rate(counter: two, level: 1), at(9, 30)),  // long after: unlinked
        ]
        try run(commands, on: &state, db)
        let day = LocalDay(year: 2026, month: 3, day: 2)
        let rows = try db.satisfaction(from: day, to: day, by: .officer, scaleSize: 3)
        #expect(rows.map(\.key) == ["an", "binh"])
        #expect(rows[0].figures == SatisfactionFigures(levelCounts: [1, 0, 1], satisfiedCount: 1, finished: 3, ratedFinished: 2))
        #expect(rows[0].figures.satisfactionRate == 0.5)
        #expect(rows[0].figures.responseRate == 2.0 / 3.0)
        #expect(rows[1].figures == SatisfactionFigures(levelCounts: [0, 1, 0], satisfiedCount: 1, finished: 1, ratedFinished: 1))
        let flagged = try db.pool.read { db in try String.fetchAll(db, sql: "SELECT flag FROM rating WHERE flag IS NOT NULL ORDER BY id") }
        #expect(flagged == ["alreadyRated", "unlinked"])
        let other = LocalDay(year: 2026, month: 3, day: 3)
        #expect(try db.satisfaction(from: other, to: other, by: .officer, scaleSize: 3).isEmpty)

        // Waits (issue 08:01 → calls at 08:02, 08:04, 08:06 and 08:08) and service times, exactly.
        #expect(rows[0].times == ServiceTimes(called: 3, noShows: 0, transfers: 0, meanWait: 180, p90Wait: 300, meanService: 100))
        #expect(rows[1].times == ServiceTimes(called: 1, noShows: 0, transfers: 0, meanWait: 420, p90Wait: 420, meanService: 120))
        // The same tickets by quarter and by year: one group each, with everything in it.
        for grouping in [ReportGrouping.quarter, .year, .month] {
            let period = try db.satisfaction(from: day, to: day, by: grouping, scaleSize: 3)
            #expect(period.map(\.key) == [grouping == .quarter ? "2026-Q1" : grouping == .year ? "2026" : "2026-03"])
            #expect(period.first?.figures == SatisfactionFigures(levelCounts: [1, 1, 1], satisfiedCount: 2, finished: 4, ratedFinished: 3))
            #expect(period.first?.times.p90Wait == 420)
            #expect(period.first?.times.meanWait == 240)
        }
    }

    @Test func aCorrectedVoteReplacesTheFirstInTheFile() throws {
        let db = try KioskDatabase(path: temporaryPath())
        try db.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: at(7, 0)))
        var correcting = rules
        correcting.ratingVote = .last(correction: 10)
        var state = QueueState(rules: correcting)
        let one = CounterNumber(1)
        try run(
            [
                (.signIn(counter: one, officer: OfficerID("an")), at(8, 0)),
                (.issueTicket(service: ServiceCode("A"), priority: false), at(8, 1)),
                (.callNext(counter: one), at(8, 2)),
                (.rate(counter: one, level: 3), at(8, 3)),
                (.rate(counter: one, level: 1), at(8, 3).addingTimeInterval(5)),
            ], on: &state, db)
        let flags = try db.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT level, flag FROM rating ORDER BY id").map {
                "\($0[0] as Int):\(($0[1] as String?) ?? "counted")"
            }
        }
        #expect(flags == ["3:replaced", "1:counted"])
        let day = LocalDay(year: 2026, month: 3, day: 2)
        #expect(try db.satisfaction(from: day, to: day, by: .officer, scaleSize: 3).first?.figures.levelCounts == [1, 0, 0])
    }

    @Test func aPeriodReadInSlicesGivesTheFiguresOfTheWhole() throws {
        let path = temporaryPath()
        _ = try SampleYear.fill(
            path: path, year: 2026, services: ["A", "B", "C"].map { ServiceCode($0) }, officers: 4, counters: 2,
            ticketsPerDay: 12, ratedShare: 0.6)
        let db = try KioskDatabase(path: path)
        let year = ExportFilter(from: LocalDay(year: 2026, month: 1, day: 1), to: LocalDay(year: 2026, month: 12, day: 31))
        let slices = year.slices(4)
        #expect(slices.map(\.from.iso) == ["2026-01-01", "2026-04-02", "2026-07-02", "2026-10-01"])
        #expect(slices.map(\.to.iso) == ["2026-04-01", "2026-07-01", "2026-09-30", "2026-12-31"])
        #expect(ExportFilter(from: year.from, to: year.from).slices(4).count == 1)

        // The same figures worked out the plain way: one query over the whole year per group.
        let rows = try db.satisfaction(year, by: .service, scaleSize: 3)
        #expect(rows.map(\.key) == ["A", "B", "C"])
        for row in rows {
            let expected = try db.pool.read { db in
                let levels = try (1...3).map { level in
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM rating WHERE flag IS NULL AND service = ? AND level = ?",
                        arguments: [row.key, level])!
                }
                let finished = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM ticket WHERE service = ? AND status = 'finished'",
                    arguments: [row.key])!
                let ratedFinished = try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM ticket WHERE service = ? AND status = 'finished'
                        AND EXISTS (SELECT 1 FROM rating WHERE rating.ticket_id = ticket.id AND rating.flag IS NULL)
                        """, arguments: [row.key])!
                let waits = try Double.fetchAll(
                    db, sql: "SELECT called_at - issued_at FROM ticket WHERE service = ? AND called_at IS NOT NULL ORDER BY 1",
                    arguments: [row.key])
                return (levels, finished, waits, ratedFinished)
            }
            #expect(
                row.figures
                    == SatisfactionFigures(
                        levelCounts: expected.0, satisfiedCount: expected.0[0] + expected.0[1],
                        finished: expected.1, ratedFinished: expected.3))
            #expect(row.times.called == expected.2.count)
            #expect(row.times.p90Wait == expected.2[Int((0.9 * Double(expected.2.count)).rounded(.up)) - 1])
            #expect(abs(row.times.meanWait! - expected.2.reduce(0, +) / Double(expected.2.count)) < 1e-6)
        }
    }

    @Test func theResponseRateCountsRatedFinishedTicketsAndNeverPassesAHundred() throws {
        // The demo's case: one ticket finished, one still being served, both rated.
        let db = try KioskDatabase(path: temporaryPath())
        try db.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: at(7, 0)))
        var state = QueueState(rules: rules)
        let one = CounterNumber(1)
        try run(
            [
                (.signIn(counter: one, officer: OfficerID("an")), at(8, 0)),
                (.issueTicket(service: ServiceCode("A"), priority: false), at(8, 1)),
                (.issueTicket(service: ServiceCode("A"), priority: false), at(8, 1)),
                (.callNext(counter: one), at(8, 2)), (.rate(counter: one, level: 1), at(8, 4)),
                (.callNext(counter: one), at(8, 6)), (.rate(counter: one, level: 1), at(8, 8)),
            ], on: &state, db)
        let day = LocalDay(year: 2026, month: 3, day: 2)
        let row = try #require(try db.satisfaction(from: day, to: day, by: .officer, scaleSize: 3).first)
        #expect(row.figures.rated == 2)
        #expect(row.figures.finished == 1)
        #expect(row.figures.ratedFinished == 1)
        #expect(row.figures.responseRate == 1.0, "100 %, not 200 %")
    }

    @Test func theJournalsPrintStatesAreStoredAndPendingOnesFound() throws {
        let db = try KioskDatabase(path: temporaryPath())
        var state = QueueState(rules: rules)
        try run(
            [
                (.reserveTicket(service: ServiceCode("A"), priority: false), at(8, 1)),
                (.reserveTicket(service: ServiceCode("A"), priority: false), at(8, 2)),
                (.reserveTicket(service: ServiceCode("A"), priority: false), at(8, 3)),
            ], on: &state, db)
        let a1 = try state.named("A001")
        let a2 = try state.named("A002")
        try run([(.recordPrint(ticket: a1.id, display: a1.display, outcome: .printed), at(8, 1))], on: &state, db)
        // Not waiting for the disk: still in the file at once.
        let voided = try state.handle(
            .recordPrint(ticket: a2.id, display: a2.display, outcome: .failedVoided(reason: "paper end")),
            at: at(8, 2)
        ).get()
        try db.append(voided, day: state.day!, durable: false)
        let rows = try db.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT display, status, print_state, print_reason FROM ticket ORDER BY id")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String) \(($0[3] as String?) ?? "-")" }
        }
        #expect(rows == ["A001 waiting printed -", "A002 voided voided paper end", "A003 waiting pending -"])
        #expect(try db.pendingPrints().map(\.display) == ["A003"])
        let sync = try db.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(sync == 2, "a lazy outcome leaves the connection at synchronous = FULL")
    }

    @Test func migrationFiveKeepsEveryTicketAndMarksTheRatedOnes() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(old, upTo: "v4: covering indexes for reports")
        try old.write { db in
            try db.execute(sql: "INSERT INTO officer (id, name, created_at) VALUES ('an', 'An', 0)")
            for (id, status, unprinted) in [(1, "finished", 0), (2, "finished", 1), (3, "expired", 0)] {
                try db.execute(
                    sql: """
                        INSERT INTO ticket (id, day, service, sequence, number, display, priority, issued_at, status, officer, unprinted)
                        VALUES (?, '2026-03-02', 'A', ?, ?, ?, 0, 0, ?, 'an', ?)
                        """, arguments: [id, id, id, "A00\(id)", status, unprinted])
            }
            try db.execute(
                sql: """
                    INSERT INTO rating (at, day, counter, ticket_id, service, officer, level, label, scale_size, satisfied, flag)
                    VALUES (1, '2026-03-02', 1, 1, 'A', 'an', 1, 'Rất hài lòng', 3, 1, NULL),
                           (2, '2026-03-02', 1, 2, 'A', 'an', 1, 'Rất hài lòng', 3, 1, 'unlinked')
                    """)
        }
        try old.close()
        let db = try KioskDatabase(path: path)
        let rows = try db.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT display, status, print_state, rated FROM ticket ORDER BY id")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String) \($0[3] as Int)" }
        }
        #expect(rows == ["A001 finished printed 1", "A002 finished failed 0", "A003 expired printed 0"])
        let problems = try db.pool.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }
        #expect(problems.isEmpty)
    }
}
