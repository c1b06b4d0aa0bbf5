import Foundation
import Glibc
import KioskDevices
import KioskTestSupport

/// The real `kiosk` binary, built next to the tests, run as a subprocess.
struct KioskBinary {
    let path: String

    /// `name`: `kiosk`, or `kiosk-province`.
    init(_ name: String = "kiosk") throws {
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // swift test runs …/debug/kioskPackageTests.xctest; the binary is …/debug/kiosk.
        if folder.lastPathComponent.hasSuffix(".xctest") { folder = folder.deletingLastPathComponent() }
        path = folder.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("no kiosk binary at \(path): run `swift build` before the tests")
        }
    }

    /// Runs a command to its end; returns its status, standard output and standard error.
    /// `input`: written to its standard input (a password for `--password-stdin`).
    func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, out: Data, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output, String(decoding: errors, as: UTF8.self))
    }

    /// Starts a long-running command, its standard error going to `log`; `environment` is
    /// added to this process's own (a libfaketime clock, say).
    func start(_ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            // Through env(1), which execs the binary: a preloaded library (libfaketime) then sets
            // its variables in env's process, not in ours at start, where a setenv() moves the
            // environment Swift's runtime finds the command line beside (the arguments vanish).
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [path] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits until `condition` holds, up to `seconds`.
func eventually(_ seconds: Double = 10, _ what: String, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    throw TestFailure("timed out waiting for \(what)")
}

/// A plain HTTP/1.1 connection over a socket: what a browser's EventSource does, without a browser.
final class HTTPConnection {
    let fd: Int32
    private var received: [UInt8] = []

    init(port: Int, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            close(fd)
            throw TestFailure("cannot connect to 127.0.0.1:\(port)")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    deinit { close(fd) }

    /// Everything received so far, as text.
    var text: String { String(decoding: received, as: UTF8.self) }

    /// Reads until `condition` holds on what was received, or `seconds` pass.
    func read(until seconds: Double = 10, _ what: String, _ condition: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !condition(text) {
            let left = Int32(deadline.timeIntervalSinceNow * 1000)
            guard left > 0 else { throw TestFailure("timed out waiting for \(what); received:\n\(text)") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, left) > 0 else { continue }
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { throw TestFailure("connection closed while waiting for \(what); received:\n\(text)") }
            received += buffer[0..<n]
        }
    }

    /// One whole response (for plain GETs).
    static func get(port: Int, path: String) throws -> String {
        let connection = try HTTPConnection(port: port, path: path)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var pfd = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 5000) > 0 else { break }
            let n = Glibc.read(connection.fd, &buffer, buffer.count)
            if n <= 0 { break }
            connection.received += buffer[0..<n]
        }
        return connection.text
    }
}

/// A centre in a temporary folder: its config, the real daemon, its log. (@unchecked: a test
/// drives it from one thread, and sends control requests from another.)
final class TestCentre: @unchecked Sendable {
    let kiosk: KioskBinary
    let folder: String
    let port: Int
    let config: String
    private(set) var daemon: Process?
    /// Each start logs to a file of its own.
    private var runs = 0
    var logFile: String { "\(folder)/daemon-\(runs).log" }

    /// Services A and B, counters 1 (A, B) and 2 (A, B), a file printer unless `printer`
    /// says otherwise, and `extra` appended (keypads, limits).
    init(_ name: String, printer: String = "path = \"printer.bin\"\nprofile = \"epson-tm-t82\"", extra: String = "") throws {
        kiosk = try KioskBinary()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        port = freeLocalPort()
        config = "\(folder)/centre.toml"
        try """
        [centre]
        name = "Trung tâm xã Thử Nghiệm"
        [database]
        path = "kiosk.sqlite"
        [http]
        bind = "127.0.0.1:\(port)"
        [control]
        socket = "control.sock"
        [[services]]
        code = "A"
        name = "Chứng thực"
        prefix = "A"
        [[services]]
        code = "B"
        name = "Hộ tịch"
        prefix = "B"
        [[counters]]
        number = 1
        services = ["A", "B"]
        [[counters]]
        number = 2
        services = ["B", "A"]
        [printer]
        \(printer)
        \(extra)
        """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Changes the config file.
    func rewrite(_ change: (String) -> String) throws {
        try change(try String(contentsOfFile: config, encoding: .utf8)).write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Starts the daemon and waits for its web server.
    func start(environment: [String: String] = [:]) throws {
        runs += 1
        let process = try kiosk.start(["run", "--config", config], log: logFile, environment: environment)
        daemon = process
        try eventually(20, "the daemon's web server") {
            if !process.isRunning {
                throw TestFailure(
                    "the daemon ended (status \(process.terminationStatus), \(process.terminationReason == .uncaughtSignal ? "signal" : "exit")): \(runLog)"
                )
            }
            return runLog.contains("hall display ready")
        }
    }

    /// The current run's log.
    var runLog: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL if it has not ended within ten seconds: a test never leaves a
    /// daemon behind.
    func stop() {
        guard let daemon, daemon.isRunning else { return }
        daemon.terminate()
        let deadline = Date().addingTimeInterval(10)
        while daemon.isRunning && Date() < deadline { usleep(20_000) }
        if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        daemon.waitUntilExit()
    }

    func kill9() {
        guard let daemon, daemon.isRunning else { return }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
    }

    /// A request on the control socket, straight (no `kiosk` process to start): the reply line.
    func request(_ line: String) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = Array("\(folder)/control.sock".utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.enumerated() { raw[i] = b } }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw TestFailure("cannot connect to the control socket: errno \(errno)") }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var reply: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 0x0A { reply.append(byte) }
        return String(decoding: reply, as: UTF8.self)
    }

    /// A control request, as `kiosk counter` sends it; the reply line.
    func control(_ request: String) throws -> String {
        let result = try kiosk.run(["counter", "--config", config] + request.split(separator: " ").map(String.init))
        return String(decoding: result.out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func officer(_ id: String, signInAt counter: Int) throws {
        _ = try kiosk.run(["officer", "add", "--config", config, id, "Cán bộ \(id)"])
        let result = try kiosk.run(["officer", "sign-in", "--config", config, "--counter", "\(counter)", id])
        guard result.status == 0 else { throw TestFailure("sign-in \(id): \(String(decoding: result.out, as: UTF8.self))") }
    }

    func printed() -> [UInt8] { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/printer.bin"))) ?? Data()) }

    deinit { stop() }
}

/// One HTTP/1.1 request over a fresh connection, optionally from another loopback address.
enum HTTP {
    struct Reply {
        var status: Int
        var head: String
        var body: String
    }

    static func request(
        port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String = "",
        from source: String? = nil
    ) throws -> Reply {
        let fd = try connect(port: port, from: source)
        defer { close(fd) }
        send(fd, port: port, method, path, headers, body)
        return reply(readAll(fd, waiting: 10_000))
    }

    /// Writes one request on a connected socket.
    static func send(_ fd: Int32, port: Int, _ method: String, _ path: String, _ headers: [String: String], _ body: String) {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Everything the server sends until it closes (or is silent for `waiting` milliseconds).
    static func readAll(_ fd: Int32, waiting: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, waiting) > 0 else { break }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return received
    }

    /// A whole response, its body de-chunked when it came in chunks (a streamed export).
    static func reply(_ received: [UInt8]) -> Reply {
        let whole = String(decoding: received, as: UTF8.self)
        let parts = whole.components(separatedBy: "\r\n\r\n")
        let status = Int(parts[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var body = parts.dropFirst().joined(separator: "\r\n\r\n")
        if parts[0].lowercased().contains("transfer-encoding: chunked"),
            let start = received.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
        {
            var bytes = Array(received[start...])
            var decoded: [UInt8] = []
            while let line = bytes.firstRange(of: Array("\r\n".utf8)),
                let size = Int(String(decoding: bytes[..<line.lowerBound], as: UTF8.self), radix: 16),
                size > 0, bytes.count >= line.upperBound + size
            {
                decoded += bytes[line.upperBound..<(line.upperBound + size)]
                bytes = Array(bytes[min(bytes.count, line.upperBound + size + 2)...])
            }
            body = String(decoding: decoded, as: UTF8.self)
        }
        return Reply(status: status, head: parts[0], body: body)
    }

    /// Requests sent together: every connection opened and every request written before any
    /// answer is read, so the daemon has them all at once (a burst of logins, say). Each
    /// request is (method, path, headers, body).
    static func burst(port: Int, _ requests: [(String, String, [String: String], String)], from source: String? = nil) throws -> [Reply] {
        let fds = try requests.map { _ in try connect(port: port, from: source) }
        defer { fds.forEach { close($0) } }
        for (fd, (method, path, headers, body)) in zip(fds, requests) { send(fd, port: port, method, path, headers, body) }
        return fds.map { reply(readAll($0, waiting: 30_000)) }
    }

    /// A connected socket to 127.0.0.1:port, its own end bound to `source` (another address
    /// of the loopback network, as another machine on the LAN would be).
    static func connect(port: Int, from source: String? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                close(fd)
                throw TestFailure("bind \(source): errno \(errno)")
            }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            close(fd)
            throw TestFailure("connect to \(port) from \(source ?? "127.0.0.1"): errno \(errno)")
        }
        return fd
    }
}

/// The open-file limit of this process raised to its hard limit (floods open thousands).
func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}

/// Tickets on paper: the big numbers in the ESC/POS bytes a printer got.
func numbersOnPaper(_ bytes: [UInt8]) throws -> [String] {
    try EscPosDecoder(tcvn3Pages: [30, 31]).decode(bytes).compactMap {
        if case .text(let line) = $0, line.height == 4 { line.text } else { nil }
    }
}

/// A query on a database file through the sqlite3 command line (another program, as an
/// admin would use): its output, trimmed.
func sqlite(_ file: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [file, sql]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
