import Foundation
import KioskCore
import KioskProvince
import KioskSampleData
import KioskService
import KioskStore
import KioskTestSupport
import Logging
import ServiceLifecycle
import Testing

/// The sync and the province's reports, in process, against a real PostgreSQL (started in a
/// temporary folder) and real SQLite files written through the daemon's own event log.
@Suite(.serialized) struct ProvinceSyncTests {
    static let logger = Logger(label: "test")

    /// A box: its folder, config, and database with `days` of events.
    struct Box {
        let config: KioskConfig
        let database: KioskDatabase
        let made: SampleEvents.Made

        /// A box of a centre the province enrolled: its own login (`centre add`), its password in its folder.
        static func enrolled(
            code: String, name: String, server: PrivatePostgres, days: Int, seed: UInt64,
            configCode: String? = nil
        ) async throws -> Box {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-province-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let enrolment = try await CentreLogins.add(
                code: code, name: name, passwordOut: "\(folder)/province-password", on: owner(server),
                logger: ProvinceSyncTests.logger)
            return try Box(
                code: configCode ?? code, name: name, server: server, days: days, seed: seed, folder: folder,
                url: server.url(login: enrolment.login), passwordFile: "\(folder)/province-password")
        }

        init(
            code: String, name: String, server: PrivatePostgres, days: Int, seed: UInt64, folder: String? = nil,
            url: String, passwordFile: String, extra: String = ""
        ) throws {
            let folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-province-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            config = try ConfigLoader.parse(
                """
                [centre]
                name = "\(name)"
                code = "\(code)"
                [database]
                path = "\(folder)/kiosk.sqlite"
                [province]
                url = "\(url)"
                password_file = "\(passwordFile)"
                batch = 500
                interval_seconds = 1
                max_backoff_seconds = 1
                [[services]]
                code = "A"
                name = "Chứng thực"
                [[services]]
                code = "B"
                name = "Hộ tịch"
                [[services]]
                code = "C"
                name = "Đất đai"
                [[counters]]
                number = 1
                services = ["A", "B", "C"]
                [[counters]]
                number = 2
                name = "Quầy hộ tịch"
                services = ["B", "A", "C"]
                [[counters]]
                number = 3
                services = ["C", "A", "B"]
                [rating]
                reasons = ["Chờ lâu", "Thái độ", "Hướng dẫn chưa rõ"]
                \(extra)
                """, file: "\(folder)/centre.toml")
            database = try KioskDatabase(path: config.databasePath)
            var sample = SampleEvents()
            sample.seed = seed
            made = try sample.append(to: database, from: LocalDay(year: 2026, month: 6, day: 25), days: days)
        }

        /// Runs the sync until it reports an error; that error.
        func syncError(within seconds: Double = 20) async throws -> String? {
            let link = ProvinceLink(server: config.province!.server.description)
            let task = Task {
                try await ProvinceSync(database: database, config: config, link: link, version: "test", logger: ProvinceSyncTests.logger)
                    .run()
            }
            defer { task.cancel() }
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, link.current?.lastError == nil { try await Task.sleep(for: .milliseconds(50)) }
            return link.current?.lastError
        }

        /// Runs the sync until it is connected (with nothing new to send): whether it got there.
        func connects(within seconds: Double = 20) async throws -> Bool {
            let link = ProvinceLink(server: config.province!.server.description)
            let task = Task {
                try await ProvinceSync(database: database, config: config, link: link, version: "test", logger: ProvinceSyncTests.logger)
                    .run()
            }
            defer { task.cancel() }
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if link.current?.state == .connected { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }

        /// Runs the sync until the province holds every event, or `seconds` pass.
        func sync(within seconds: Double = 60) async throws -> ProvinceLink.Status {
            let link = ProvinceLink(server: config.province!.server.description)
            let sync = ProvinceSync(database: database, config: config, link: link, version: "test", logger: ProvinceSyncTests.logger)
            let task = Task { try await sync.run() }
            defer { task.cancel() }
            let newest = try database.lastEvent().seq
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let s = link.current, s.state == .connected, s.eventsBehind == 0, s.lastSuccess != nil, s.eventsSent > 0 || newest == 0 {
                    return s
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw PostgresFailure("the sync did not catch up: \(String(describing: link.current))")
        }

        /// The box's own export, as `kiosk export` writes it (the title row left out).
        func export(_ grouping: ReportGrouping, from: LocalDay, to: LocalDay) throws -> [[String]] {
            try SatisfactionReport(database: database, config: config, from: from, to: to, by: grouping).table()
        }
    }

    /// The database owner's connection, as the province office's commands have it.
    static func owner(_ server: PrivatePostgres) throws -> CentralServer {
        try CentralServer(address: ProvinceServerAddress(server.url), passwordFile: server.passwordFile)
    }

    @Test func twoBoxesSyncAndEachCentresRowsEqualItsOwnExport() async throws {
        let server = try PrivatePostgres()
        let central = try Self.owner(server)
        #expect(try await central.migrate(logger: Self.logger) == [1, 2])
        #expect(try await central.migrate(logger: Self.logger) == [], "a second migrate changes nothing")

        let north = try await Box.enrolled(code: "26.0101", name: "Trung tâm phường Bắc", server: server, days: 12, seed: 1)
        let south = try await Box.enrolled(code: "26.0102", name: "Trung tâm xã Nam", server: server, days: 9, seed: 2)
        _ = try await north.sync()
        _ = try await south.sync()

        for box in [north, south] {
            let code = box.config.centreCode!
            let local = try box.database.eventCount()
            #expect(
                try server.psql("SELECT count(*), min(seq), max(seq), count(DISTINCT seq) FROM event WHERE centre = '\(code)'")
                    == "\(local)|1|\(local)|\(local)", "every event of \(code) once")
            let (first, last) = (LocalDay(year: 2026, month: 6, day: 1), LocalDay(year: 2026, month: 7, day: 31))
            for grouping in ReportGrouping.allCases {
                let province = try await central.report(
                    from: first, to: last, by: ProvinceGrouping(rawValue: grouping.rawValue)!,
                    centre: code, logger: Self.logger)
                let mine = try box.export(grouping, from: first, to: last)
                #expect(province.table() == mine, "\(code) by \(grouping)")
                #expect(mine.count > 1)
            }
            // The named period's title names the centre too.
            var report = try await central.report(from: first, to: last, by: .officer, centre: code, logger: Self.logger)
            report.period = ReportPeriod("2026-Q3")
            #expect(report.title.hasSuffix(" – \(box.config.centreName)"))
        }

        // By centre, ranked: rated and finished counts beside the rate; the counts are each box's.
        let ranking = try await central.report(
            from: LocalDay(year: 2026, month: 1, day: 1), to: LocalDay(year: 2026, month: 12, day: 31),
            by: .centre, rank: true, logger: Self.logger)
        #expect(ranking.rows.count == 2)
        #expect(ranking.rows.map(\.rank) == [1, 2])
        let rates = ranking.rows.map { $0.row.figures.satisfactionRate ?? 0 }
        #expect(rates[0] >= rates[1])
        for row in ranking.rows {
            let box = row.centre == "26.0101" ? north : south
            #expect(row.row.figures.rated == box.made.ratings)
        }
        let table = ranking.table()
        #expect(table[0].prefix(3) == ["Hạng", "Mã đơn vị", "Đơn vị"])
        #expect(table[0].contains("Số lượt đánh giá") && table[0].contains("Số phiếu đã phục vụ"))

        // Officers within their centre: both centres have an officer1, each its own row.
        let officers = try await central.report(
            from: LocalDay(year: 2026, month: 6, day: 1), to: LocalDay(year: 2026, month: 7, day: 31),
            by: .officer, logger: Self.logger)
        #expect(officers.rows.filter { $0.row.key == "officer1" }.map(\.centre) == ["26.0101", "26.0102"])
        #expect(officers.table()[0].prefix(4) == ["Mã đơn vị", "Đơn vị", "Mã cán bộ", "Họ và tên"])
    }

    @Test func aBatchSentAgainChangesNothingAndALaterDayFollows() async throws {
        let server = try PrivatePostgres()
        try await Self.owner(server).migrate(logger: Self.logger)
        let box = try await Box.enrolled(code: "26.0201", name: "Trung tâm xã Đông", server: server, days: 3, seed: 3)
        _ = try await box.sync()
        let before = try server.psql("SELECT count(*), sum(seq), (SELECT count(*) FROM ticket), (SELECT count(*) FROM rating) FROM event")
        // As if the answer to every batch had been lost: the box starts again from the beginning.
        try server.psql("UPDATE centre SET last_seq = 0")
        _ = try await box.sync()
        #expect(
            try server.psql("SELECT count(*), sum(seq), (SELECT count(*) FROM ticket), (SELECT count(*) FROM rating) FROM event") == before)
        #expect(try server.psql("SELECT last_seq FROM centre") == String(try box.database.lastEvent().seq))

        // Two more days on the box: only they travel.
        let more = try SampleEvents().append(
            to: box.database, from: LocalDay(year: 2026, month: 7, day: 1), days: 2,
            firstTicketID: box.made.nextTicketID)
        let status = try await box.sync()
        #expect(status.eventsSent == more.events)
        #expect(try server.psql("SELECT count(*) FROM event") == String(try box.database.eventCount()))
        #expect(try server.psql("SELECT count(*) FROM ticket") == String(box.made.tickets + more.tickets))
    }

    /// The province holds more of this centre's log than the box has (another box with the
    /// same code, or a database restored from an older backup): nothing is sent, and it says why.
    @Test func aProvinceAheadOfTheBoxStopsTheSync() async throws {
        let server = try PrivatePostgres()
        try await Self.owner(server).migrate(logger: Self.logger)
        let box = try await Box.enrolled(code: "26.0301", name: "Trung tâm xã Tây", server: server, days: 1, seed: 4)
        _ = try await box.sync()
        try server.psql("UPDATE centre SET last_seq = last_seq + 1000, name = 'as the province had it'")
        let error = try await box.syncError()
        #expect(
            error?.contains("the province holds events up to #") == true
                && error?.contains("restored from an older backup? Nothing is sent") == true,
            "\(String(describing: error))")
        #expect(try server.psql("SELECT name FROM centre") == "as the province had it", "nothing written before the check")
    }
}
