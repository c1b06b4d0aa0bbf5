import ArgumentParser
import Foundation
import KioskCore
import KioskProvince
import KioskService
import KioskStore
import Logging
import ServiceLifecycle

extension ProvinceGrouping: ExpressibleByArgument {}
extension SatisfactionReport.Layout: ExpressibleByArgument {}
extension ExportRequest.Format: ExpressibleByArgument {}

/// `kiosk-province`: the box's sync to the province's central PostgreSQL (a service of its
/// own, beside the hall's daemon), and the province office's tools. A binary of its own, so
/// the hall's daemon carries none of the PostgreSQL client.
@main
struct ProvinceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-province",
        abstract: "The province's central database: each box's sync; create its schema, report across centres, serve its page, manage its accounts.",
        version: kioskVersion,
        subcommands: [ProvinceSyncCommand.self, ProvinceMigrate.self, ProvinceReportCommand.self, ProvinceServe.self, ProvinceAccount.self])
}

/// `kiosk-province sync --config FILE`: on the hall's box, sends its events to the province
/// (`[province]` in the config); `kiosk-province.service` runs it at a low priority.
struct ProvinceSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Send this box's events to the province's server, until stopped (SIGTERM). Its state goes to the daemon's /health.")
    @Option(name: .shortAndLong, help: "The installation's TOML file.") var config: String

    func run() async throws {
        JournalLogHandler.bootstrap(level: .info)
        let logger = Logger(label: "kiosk-province")
        let settings: KioskConfig
        do {
            settings = try ConfigLoader.load(file: config)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard let province = settings.province else {
            logger.notice("no [province] in the config: nothing to send", metadata: ["config": "\(config)"])
            return
        }
        let database = try KioskDatabase(path: settings.databasePath)
        let link = ProvinceLink(server: province.server.description, statusFile: ProvinceSettings.statusFile(database: settings.databasePath))
        let sync = ProvinceSync(database: database, config: settings, link: link, version: kioskVersion, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: sync)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}

/// Where the central database is, as every `kiosk province` command takes it.
struct CentralOptions: ParsableArguments {
    @Option(help: "The central PostgreSQL: postgres://user@host:5432/database (add ?sslmode=disable|prefer|require|verify-full).")
    var url: String

    @Option(help: "A file holding the password (else the URL's own, else PGPASSWORD).")
    var passwordFile: String?

    func server() throws -> CentralServer {
        do {
            return try CentralServer(address: try ProvinceServerAddress(url), passwordFile: passwordFile)
        } catch let invalid as ProvinceServerAddress.Invalid {
            throw ValidationError("--url: \(invalid)")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// The command line's logger: postgres-nio's chatter stays out, warnings come through.
let quietLogger: Logger = {
    var logger = Logger(label: "kiosk-province")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` with the central server; a failure is one line on standard error and exit status 1.
func withCentral<T: Sendable>(_ options: CentralOptions, _ body: (CentralServer) async throws -> T) async throws -> T {
    let server = try options.server()
    do {
        return try await body(server)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct ProvinceMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create the central schema in an empty database, or bring it up to this version.")
    @OptionGroup var central: CentralOptions

    func run() async throws {
        let applied = try await withCentral(central) { try await $0.migrate(logger: quietLogger) }
        print(applied.isEmpty ? "the central schema is up to date (version \(CentralSchema.version))"
                              : "applied migration \(applied.map(String.init).joined(separator: ", ")); the central schema is at version \(CentralSchema.version)")
    }
}

struct ProvinceReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Satisfaction figures across the province's centres, with the centres' own formulas.")
    @OptionGroup var central: CentralOptions

    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day (included), YYYY-MM-DD.") var to: String?
    @Option(help: "A named period instead of --from/--to: 2026-07, 2026-Q3, 2026-H1, 2026-H2, 2026-9M or 2026.") var period: String?
    @Option(help: "centre, officer, counter or service (within their centre), or day, month, quarter or year.")
    var by: ProvinceGrouping = .centre
    @Flag(help: "With --by centre: rank the centres by satisfaction rate (rated and finished counts beside it).") var rank = false
    @Option(help: "Only this centre (its code): the rows its own box's kiosk export gives.") var centre: String?
    @Option(help: "full (every figure) or filing (total ratings, count and percentage per level).")
    var layout: SatisfactionReport.Layout = .full
    @Option(help: "csv (UTF-8 for Excel), xlsx or json.") var format: ExportRequest.Format = .csv
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func days() throws -> (LocalDay, LocalDay, ReportPeriod?) {
        if let period {
            guard from == nil, to == nil else { throw ValidationError("give --period or --from and --to, not both") }
            guard let p = ReportPeriod(period) else { throw ValidationError("--period \(period) is not a period: use 2026-07, 2026-Q3, 2026-H1, 2026-H2, 2026-9M or 2026") }
            return (p.first, p.last, p)
        }
        guard let from, let first = LocalDay(iso: from) else { throw ValidationError("--from: give the first day as YYYY-MM-DD (or --period)") }
        guard let to, let last = LocalDay(iso: to) else { throw ValidationError("--to: give the last day as YYYY-MM-DD") }
        guard first <= last else { throw ValidationError("--from \(from) is after --to \(to)") }
        return (first, last, nil)
    }

    func validate() throws {
        _ = try days()
        if rank, by != .centre { throw ValidationError("--rank ranks centres: use it with --by centre") }
        if format == .xlsx, out == nil { throw ValidationError("xlsx is a file: give --out report.xlsx") }
    }

    func run() async throws {
        let (first, last, period) = try days()
        var report = try await withCentral(central) {
            try await $0.report(from: first, to: last, by: by, centre: centre, rank: rank, logger: quietLogger)
        }
        report.period = period
        let data: Data = switch format {
        case .csv: report.csv(layout)
        case .json: try report.json()
        case .xlsx: report.xlsx()
        }
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: data) else { throw ValidationError("cannot write \(out)") }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

struct ProvinceServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the province office's read-only pages: reports, the ranking of centres, each centre's sync.")
    @OptionGroup var central: CentralOptions
    @Option(help: "Address and port to listen on.") var bind = "127.0.0.1:8090"

    func run() async throws {
        JournalLogHandler.bootstrap(level: .info)
        let logger = Logger(label: "kiosk-province")
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]) else {
            throw ValidationError("--bind \(bind) is not host:port (like 0.0.0.0:8090)")
        }
        let server = try central.server()
        // The schema is checked at the start: a page that cannot work says so now, not at the first visit.
        _ = try await withCentral(central) { try await $0.report(from: LocalDay(year: 2000, month: 1, day: 1),
                                                                  to: LocalDay(year: 2000, month: 1, day: 1), by: .year, logger: quietLogger) }
        let host = String(bind[..<colon])
        let app = ProvinceWeb.application(server: server, host: host, port: port, logger: quietLogger) { port in
            logger.info("province pages ready", metadata: ["url": "http://\(host):\(port)/report"])
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct ProvinceAccount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "The province office's logins to the pages: add (or new password), list, disable.",
        subcommands: [Add.self, List.self, Disable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account, or give an existing one a new password (read from standard input).")
        @OptionGroup var central: CentralOptions
        @Option(help: "admin or leader.") var role: String = "leader"
        @Argument(help: "Login name: lower-case letters, digits, dots, dashes.") var id: String
        @Argument(help: "Full name (\"Trần Thị Bình\").") var name: String

        func run() async throws {
            guard let role = ProvinceAccounts.Role(rawValue: role) else { throw ValidationError("--role \(role): use admin or leader") }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("give the password on standard input (one line)")
            }
            try await withCentral(central) { try await ProvinceAccounts.save(id: id, name: name, role: role, password: password, on: $0, logger: quietLogger) }
            print("saved \(id) (\(name)), role \(role.rawValue)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts: id, role, name, state.")
        @OptionGroup var central: CentralOptions

        func run() async throws {
            for account in try await withCentral(central, { try await ProvinceAccounts.list(on: $0, logger: quietLogger) }) {
                print("\(account.id)\t\(account.role)\t\(account.name)\t\(account.active ? "active" : "disabled")")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer log in.")
        @OptionGroup var central: CentralOptions
        @Argument var id: String

        func run() async throws {
            guard try await withCentral(central, { try await ProvinceAccounts.disable(id: id, on: $0, logger: quietLogger) }) else {
                throw ValidationError("no account \(id)")
            }
            print("disabled \(id)")
        }
    }
}
