import ArgumentParser
import Foundation
import KioskCore
import KioskProvince
import KioskSampleData
import KioskService
import KioskStore
import KioskTestSupport
import Logging

/// A box's config for the benchmarks' syncs: its code, its own login at the private server
/// (enrolled as the province office does it), three services.
func provinceConfig(code: String, database: String, server: PrivatePostgres, batch: Int = 2_000) async throws -> KioskConfig {
    try ConfigLoader.parse(
        try await provinceConfigText(code: code, database: database, server: server, batch: batch), file: "\(database).toml")
}

func provinceConfigText(code: String, database: String, server: PrivatePostgres, batch: Int = 2_000) async throws -> String {
    let owner = try CentralServer(address: ProvinceServerAddress(server.url), passwordFile: server.passwordFile)
    let passwordFile = "\(server.folder)/box-\(code)"
    let login = try await CentreLogins.add(code: code, name: "Trung tâm \(code)", passwordOut: passwordFile, on: owner, logger: silent)
        .login
    return """
        [centre]
        name = "Trung tâm \(code)"
        code = "\(code)"
        [database]
        path = "\(database)"
        [province]
        url = "\(server.url(login: login))"
        password_file = "\(passwordFile)"
        batch = \(batch)
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
        """
}

let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// Runs one box's sync until the province holds `newest`; calls `progress` with each new position.
func syncUntilCaughtUp(_ database: KioskDatabase, config: KioskConfig, progress: (Int64) -> Void = { _ in }) async throws {
    let link = ProvinceLink(server: config.province!.server.description)
    let sync = ProvinceSync(database: database, config: config, link: link, version: "bench", logger: silent)
    let task = Task { try await sync.run() }
    defer { task.cancel() }
    let newest = try database.lastEvent().seq
    var last: Int64 = -1
    while true {
        let status = link.current!
        if status.position != last {
            last = status.position
            progress(last)
        }
        if status.position >= newest { return }
        if status.state == .offline, let error = status.lastError { throw ValidationError("sync failed: \(error)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct ProvinceSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province-sync",
        abstract:
            "Sync a busy centre's year of events (through the daemon's event log) into a local PostgreSQL: events/s, a month's catch-up.")
    @Option(help: "Tickets per working day (313 days a year).") var ticketsPerDay = 1917
    @Option(help: "Working days.") var days = 313
    @Option(help: "Events per batch.") var batch = 2_000

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-province-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/year.sqlite"
        let database = try KioskDatabase(path: path)
        var sample = SampleEvents()
        sample.ticketsPerDay = ticketsPerDay
        sample.counters = 10
        sample.officers = 20
        let clock = ContinuousClock()
        var made = SampleEvents.Made()
        let generated = try clock.measure {
            made = try sample.append(to: database, from: LocalDay(year: 2026, month: 1, day: 1), days: days)
        }
        // The first month's last event: how long a box back after a month away takes to catch up.
        let monthEnd = try database.syncBatch(after: 0, limit: 1).events.isEmpty ? 0 : try lastSeq(database, before: "2026-02-01")

        let server = try PrivatePostgres(durable: true)
        let central = try CentralServer(address: ProvinceServerAddress(server.url), passwordFile: server.passwordFile)
        _ = try await central.migrate(logger: silent)
        let config = try await provinceConfig(code: "26.9999", database: path, server: server, batch: batch)
        let start = clock.now
        var monthAt: Duration?
        try await syncUntilCaughtUp(database, config: config) { position in
            if monthAt == nil, position >= monthEnd { monthAt = clock.now - start }
        }
        let total = clock.now - start
        let size = try server.psql("SELECT pg_size_pretty(pg_database_size('province'))")
        print("tickets\tevents\tgenerated (s)\tsynced (s)\tevents/s\tfirst month's events\tfirst month caught up (s)\tcentral size")
        print(
            "\(made.tickets)\t\(made.events)\t\(String(format: "%.1f", seconds(generated)))\t\(String(format: "%.1f", seconds(total)))\t"
                + "\(Int(Double(made.events) / seconds(total)))\t\(monthEnd)\t\(String(format: "%.1f", monthAt.map(seconds) ?? 0))\t\(size)"
        )
    }

    func lastSeq(_ database: KioskDatabase, before day: String) throws -> Int64 {
        var position: Int64 = 0
        while true {
            let batch = try database.syncBatch(after: position, limit: 50_000)
            guard let last = batch.events.last else { return position }
            if let beyond = batch.events.first(where: { $0.day >= day }) { return beyond.seq - 1 }
            position = last.seq
        }
    }
}

struct ProvinceYearBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province-year",
        abstract: "A province's year loaded through the sync path (centres × a mid-sized centre's year), then its reports timed.")
    @Option(help: "Centres in the province.") var centres = 166
    @Option(help: "Different generated years the centres are drawn from (each synced under several centre codes).") var distinct = 8
    @Option(help: "Tickets per working day of each centre.") var ticketsPerDay = 60
    @Option(help: "Working days.") var days = 250
    @Option(help: "Boxes syncing at once.") var parallel = 2

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-year-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ContinuousClock()
        var years: [(path: String, made: SampleEvents.Made)] = []
        let generated = try clock.measure {
            for i in 0..<distinct {
                let path = "\(folder)/centre-\(i).sqlite"
                var sample = SampleEvents()
                sample.ticketsPerDay = ticketsPerDay
                sample.seed = UInt64(100 + i)
                // Centres differ: their satisfaction too.
                sample.ratedShare = 0.55 + 0.05 * Double(i % 5)
                years.append(
                    (path, try sample.append(to: KioskDatabase(path: path), from: LocalDay(year: 2026, month: 1, day: 2), days: days)))
            }
        }
        let server = try PrivatePostgres(durable: true)
        let central = try CentralServer(address: ProvinceServerAddress(server.url), passwordFile: server.passwordFile)
        _ = try await central.migrate(logger: silent)
        var tickets = 0
        var ratings = 0
        var events = 0
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<centres {
                if c >= parallel { try await group.next() }
                let year = years[c % distinct]
                tickets += year.made.tickets
                ratings += year.made.ratings
                events += year.made.events
                let config = try await provinceConfig(code: String(format: "38.%04d", c + 1), database: year.path, server: server)
                group.addTask { try await syncUntilCaughtUp(KioskDatabase(path: year.path), config: config) }
            }
            try await group.waitForAll()
        }
        let loaded = clock.now - start
        // What autovacuum does soon after a load: statistics and the visibility map.
        let vacuum = try clock.measure { try server.psql("VACUUM ANALYZE") }
        print("centres\ttickets\tratings\tevents\tgenerated (s)\tloaded (s)\tevents/s\tvacuum analyze (s)\tcentral size")
        print(
            "\(centres)\t\(tickets)\t\(ratings)\t\(events)\t\(String(format: "%.1f", seconds(generated)))\t\(String(format: "%.1f", seconds(loaded)))\t"
                + "\(Int(Double(events) / seconds(loaded)))\t\(String(format: "%.1f", seconds(vacuum)))\t"
                + (try server.psql("SELECT pg_size_pretty(pg_database_size('province'))")))
        print("")
        print("table\trows\tsize with indexes")
        for table in ["event", "ticket", "rating"] {
            print(
                "\(table)\t"
                    + (try server.psql("SELECT count(*) || E'\\t' || pg_size_pretty(pg_total_relation_size('\(table)')) FROM \(table)")))
        }
        print("")
        print("report\trows\tfirst run (s)\tslowest of 3 (s)")
        let first = LocalDay(year: 2026, month: 1, day: 1)
        let last = LocalDay(year: 2026, month: 12, day: 31)
        for (name, by, centre, rank) in [
            ("2026 by centre", ProvinceGrouping.centre, nil as String?, false),
            ("2026 ranking of centres", .centre, nil, true),
            ("2026 by officer, one centre", .officer, "38.0083", false),
            ("2026 by month, the province", .month, nil, false),
        ] {
            var rows = 0
            var times: [Double] = []
            for _ in 0..<3 {
                let elapsed = try await clock.measure {
                    let report = try await central.report(from: first, to: last, by: by, centre: centre, rank: rank, logger: silent)
                    rows = report.rows.count
                    _ = report.csv()
                }
                times.append(seconds(elapsed))
            }
            print("\(name)\t\(rows)\t\(String(format: "%.3f", times[0]))\t\(String(format: "%.3f", times.max()!))")
        }
    }
}
