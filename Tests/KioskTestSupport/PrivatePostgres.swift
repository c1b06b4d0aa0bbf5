import Foundation
import Glibc

/// A PostgreSQL server of our own, from Debian's `postgresql` package: a new cluster in a
/// temporary folder, on a free port of 127.0.0.1, password logins (SCRAM), TLS with a
/// certificate from a CA of its own (made with openssl, as a province would), run as an
/// unprivileged user when we are root (PostgreSQL refuses to run as root; CI is root).
/// It can be stopped and started again on the same port, as an outage is.
///
/// Two logins, as a province has them: `kiosk`, the cluster's superuser (the tests' own
/// checks, through psql), and `province_owner`, who owns the database and makes the centres'
/// logins (CREATEROLE), as the README's setup makes it.
public final class PrivatePostgres: @unchecked Sendable {
    public let folder: String
    public let port: Int
    public let user = "kiosk"
    public let owner = "province_owner"
    public let password: String
    public let database = "province"
    private let bin: String
    private let runAs: String?

    /// Nil when this machine has no PostgreSQL server installed (scripts/test installs it).
    public static var binFolder: String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap { Int($0) }.sorted()
        guard let newest = versions.last else { return nil }
        let bin = "\(base)/\(newest)/bin"
        return FileManager.default.isExecutableFile(atPath: "\(bin)/initdb") ? bin : nil
    }

    /// `durable: false` turns fsync off: for tests, where a power cut is not the question.
    public init(durable: Bool = false) throws {
        guard let bin = Self.binFolder else {
            throw PostgresFailure("no PostgreSQL server here: apt-get install postgresql (scripts/test does)")
        }
        self.bin = bin
        runAs = getuid() == 0 ? "nobody" : nil
        port = freeLocalPort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        password = "pw-\(UUID().uuidString.prefix(12))"
        try password.write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
        try TestCertificates.make(in: folder)
        if runAs != nil {
            try run("/bin/chown", ["-R", "nobody:nogroup", folder], asServer: false)
            try run("/bin/chmod", ["755", folder], asServer: false)
        }
        try run(
            "\(bin)/initdb",
            [
                "-D", "\(folder)/data", "-U", user, "--auth=scram-sha-256", "--pwfile=\(folder)/password",
                "-E", "UTF8", "--no-locale", "--no-sync",
            ])
        var settings = [
            "listen_addresses = '127.0.0.1'", "unix_socket_directories = '\(folder)'", "max_connections = 60",
            "ssl = on", "ssl_cert_file = '\(folder)/server.crt'", "ssl_key_file = '\(folder)/server.key'",
        ]
        if !durable { settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"] }
        settings.append("port = \(port)")
        let conf = "\(folder)/data/postgresql.conf"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: conf))
        handle.seekToEndOfFile()
        handle.write(Data(("\n" + settings.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        try start()
        try psql("CREATE ROLE \(owner) LOGIN CREATEROLE PASSWORD '\(password)'", database: "postgres")
        try psql("CREATE DATABASE \(database) OWNER \(owner)", database: "postgres")
    }

    /// The province's CA certificate: what a box's `ca_file` names.
    public var caFile: String { "\(folder)/ca.crt" }

    deinit {
        try? stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The database owner's URL, as the province office's commands take it (`--url`; the
    /// password is in `passwordFile`): TLS, the certificate checked against our CA.
    public var url: String { url(login: owner) }
    public var passwordFile: String { "\(folder)/password" }

    /// The URL for another login (a centre's box, the page's).
    public func url(login: String) -> String { "postgres://\(login)@127.0.0.1:\(port)/\(database)?sslrootcert=\(caFile)" }

    /// The superuser's URL: a login a box must refuse to send as.
    public var superuserURL: String { url(login: user) }

    public func start() throws {
        try run("\(bin)/pg_ctl", ["-D", "\(folder)/data", "-l", "\(folder)/server.log", "-w", "-t", "60", "start"])
    }

    /// A fast shutdown: open connections are closed, as when the server's machine goes away.
    public func stop() throws {
        try run("\(bin)/pg_ctl", ["-D", "\(folder)/data", "-m", "fast", "-w", "stop"])
    }

    /// Runs SQL through psql (as the superuser, unless a login and its password are given);
    /// its output (unaligned, tuples only). A refused statement throws with psql's words.
    @discardableResult
    public func psql(_ sql: String, database: String? = nil, login: String? = nil, password: String? = nil) throws -> String {
        try run(
            "/usr/bin/psql",
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", login ?? user,
                "-d", database ?? self.database, "-c", sql,
            ],
            environment: ["PGPASSWORD": password ?? self.password, "PGSSLMODE": "verify-full", "PGSSLROOTCERT": caFile], asServer: false)
    }

    /// Runs a tool to its end (posix_spawn and waitpid: Foundation's Process sometimes misses
    /// the exit of a tool whose child, the server, lives on).
    @discardableResult
    private func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:], asServer: Bool = true) throws -> String {
        let argv = (asServer && runAs != nil) ? ["/sbin/runuser", "-u", runAs!, "--", tool] + arguments : [tool] + arguments
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let output = "\(folder)/.tool-\(UUID().uuidString.prefix(8)).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard spawned == 0 else { throw PostgresFailure("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: output)
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else {
            throw PostgresFailure("\(URL(fileURLWithPath: tool).lastPathComponent) failed (\(code)): \(text)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct PostgresFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
