import ArgumentParser
import Foundation
import Hummingbird
import KioskCore
import KioskProvince
import KioskService
import KioskStore
import Logging
import PostgresNIO
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
        abstract:
            "The province's central database: each box's sync; create its schema, report across centres, serve its page, manage its accounts.",
        version: kioskVersion,
        subcommands: [
            ProvinceSyncCommand.self, ProvinceMigrate.self, ProvinceCentre.self, ProvincePageLogin.self, ProvinceReportCommand.self,
            ProvinceServe.self, ProvinceAccount.self,
        ])
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
        let link = ProvinceLink(
            server: province.server.description, statusFile: ProvinceSettings.statusFile(database: settings.databasePath))
        let sync = ProvinceSync(database: database, config: settings, link: link, version: kioskVersion, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: sync)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// Where the central database is, as every `kiosk-province` command takes it.
struct CentralOptions: ParsableArguments {
    @Option(
        help:
            "The central PostgreSQL: postgres://user@host:5432/database (TLS with the certificate checked; ?sslrootcert=CA.crt for the province's own CA, ?sslmode=disable for none)."
    )
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
        print(
            applied.isEmpty
                ? "the central schema is up to date (version \(CentralSchema.version))"
                : "applied migration \(applied.map(String.init).joined(separator: ", ")); the central schema is at version \(CentralSchema.version)"
        )
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
            guard let p = ReportPeriod(period) else {
                throw ValidationError("--period \(period) is not a period: use 2026-07, 2026-Q3, 2026-H1, 2026-H2, 2026-9M or 2026")
            }
            return (p.first, p.last, p)
        }
        guard let from, let first = LocalDay(iso: from) else {
            throw ValidationError("--from: give the first day as YYYY-MM-DD (or --period)")
        }
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
        let data: Data =
            switch format {
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
        abstract: "Serve the province office's read-only pages: reports, the ranking of centres, each centre's sync.",
        discussion: "It logs in as the page's own login (kiosk-province page-login), which can change no figure.")
    @OptionGroup var central: CentralOptions
    @Option(help: "Address and port to listen on.") var bind = "127.0.0.1:8090"
    @Option(help: "At most this many connections to the central database at once; more visitors wait.") var maxConnections = 8
    @Option(help: "Serve over HTTPS with this certificate chain (PEM); needs --tls-key.") var tlsCertificate: String?
    @Option(help: "The certificate's private key (PEM).") var tlsKey: String?

    func validate() throws {
        guard (2...200).contains(maxConnections) else { throw ValidationError("--max-connections: 2 to 200") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("give --tls-certificate and --tls-key together") }
    }

    func run() async throws {
        JournalLogHandler.bootstrap(level: .info)
        let logger = Logger(label: "kiosk-province")
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]) else {
            throw ValidationError("--bind \(bind) is not host:port (like 0.0.0.0:8090)")
        }
        let server = try central.server()
        let client = try ProvinceWeb.client(server: server, maxConnections: maxConnections, logger: quietLogger)
        let host = String(bind[..<colon])
        let tls = tlsCertificate.flatMap { certificate in tlsKey.map { (certificate: certificate, key: $0) } }
        let scheme = tls == nil ? "http" : "https"
        let app: any Service
        do {
            app = try ProvinceWeb.application(client: client, host: host, port: port, tls: tls, logger: quietLogger) { port in
                logger.info("province pages ready", metadata: ["url": "\(scheme)://\(host):\(port)/report"])
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        // The login and the schema are checked at the start: a page that cannot work says so now.
        let check = Checked(client: client)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: client),
                    .init(service: check, successTerminationBehavior: .ignore),
                    .init(service: app),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as CentralError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Refuses to serve with a login that could change figures, once the pool runs.
    struct Checked: Service {
        let client: PostgresClient
        func run() async throws {
            do {
                try await ProvinceWeb.checkReadOnly(client, logger: quietLogger)
            } catch {
                throw CentralError("\(error)")
            }
        }
    }
}

/// `kiosk-province centre add|list|disable|rotate`: each box's own login, made by the
/// province office with the database owner's login.
struct ProvinceCentre: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "centre",
        abstract: "Each box's own login at the province: add (enrol a centre), list, disable, rotate (a new password).",
        subcommands: [Add.self, List.self, Disable.self, Rotate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a centre: make its box's login, write its password to a file, print the box's [province] section.")
        @OptionGroup var central: CentralOptions
        @Option(help: "Where to write the box's password (mode 0600); copy it to the box as /etc/kiosk/province-password.")
        var boxPasswordOut: String
        @Argument(help: "The centre's code, as its box's [centre] code says (38.16079).") var code: String
        @Argument(help: "The centre's name (\"Trung tâm Phục vụ hành chính công xã Đông Sơn\").") var name: String

        func run() async throws {
            let enrolment = try await withCentral(central) {
                try await CentreLogins.add(code: code, name: name, passwordOut: boxPasswordOut, on: $0, logger: quietLogger)
            }
            print("# centre \(code) enrolled as \(enrolment.login); its password is in \(boxPasswordOut).")
            print("# On its box, in /etc/kiosk/kiosk.toml:")
            print(enrolment.boxSection)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the centres: code, login, state, last contact, name.")
        @OptionGroup var central: CentralOptions

        func run() async throws {
            for c in try await withCentral(central, { try await CentreLogins.list(on: $0, logger: quietLogger) }) {
                let contact = c.lastContact.map { DateText.iso8601($0) } ?? "never"
                print("\(c.code)\t\(c.login ?? "(no login: enrol it)")\t\(c.disabled ? "disabled" : "active")\t\(contact)\t\(c.name)")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a centre's login: its box can no longer log in or send.")
        @OptionGroup var central: CentralOptions
        @Argument var code: String

        func run() async throws {
            try await withCentral(central) { try await CentreLogins.disable(code: code, on: $0, logger: quietLogger) }
            print("disabled centre \(code)'s login")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a centre's login a new password (and enable it again).")
        @OptionGroup var central: CentralOptions
        @Option(help: "Where to write the new password (mode 0600).") var boxPasswordOut: String
        @Argument var code: String

        func run() async throws {
            let enrolment = try await withCentral(central) {
                try await CentreLogins.rotate(code: code, passwordOut: boxPasswordOut, on: $0, logger: quietLogger)
            }
            print(
                "# centre \(code)'s login \(enrolment.login) has a new password, in \(boxPasswordOut): copy it to the box's password_file,")
            print("# then systemctl restart kiosk-province there.")
        }
    }
}

/// `kiosk-province page-login --password-out FILE`: the login `serve` reads with.
struct ProvincePageLogin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "page-login",
        abstract: "Make the province page's own login (or give it a new password): it reads the figures and changes none.")
    @OptionGroup var central: CentralOptions
    @Option(help: "Where to write its password (mode 0600).") var passwordOut: String

    func run() async throws {
        let login = try await withCentral(central) {
            try await CentreLogins.pageLogin(passwordOut: passwordOut, on: $0, logger: quietLogger)
        }
        var url = try ProvinceServerAddress(central.url)
        url.user = login
        url.password = nil
        print("the page's login is \(login); its password is in \(passwordOut). Serve with:")
        print(
            "kiosk-province serve --url '\(url.description)\(url.caFile.map { "?sslrootcert=\($0)" } ?? "")' --password-file \(passwordOut) --bind 0.0.0.0:8090"
        )
    }
}

struct ProvinceAccount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "The province office's logins to the pages: add (or new password), list, disable.",
        subcommands: [Add.self, List.self, Disable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account, or give an existing one a new password (read from standard input).")
        @OptionGroup var central: CentralOptions
        @Option(help: "admin or leader.") var role: String = "leader"
        @Argument(help: "Login name: lower-case letters, digits, dots, dashes.") var id: String
        @Argument(help: "Full name (\"Trần Thị Bình\").") var name: String

        func run() async throws {
            guard let role = ProvinceAccounts.Role(rawValue: role) else { throw ValidationError("--role \(role): use admin or leader") }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("give the password on standard input (one line)")
            }
            try await withCentral(central) {
                try await ProvinceAccounts.save(id: id, name: name, role: role, password: password, on: $0, logger: quietLogger)
            }
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
