import Foundation
import Glibc
import KioskDevices

/// Rounds of `kill -9` against the real daemon while its kiosk, officer and rating keypads
/// are pressed fast (simulated keypads: FIFOs of kernel input records). After each kill the
/// daemon is started again and the paper (the printer file, decoded) is compared with the
/// store (the daemon's own exports), and the ratings its log acknowledged with the ratings
/// stored. Used by the end-to-end tests (a few rounds) and `scripts/soak` (hundreds).
public struct CrashRounds {
    public enum Policy: String, Sendable {
        case refuse
        case issueAndFlag = "issue-and-flag"
    }

    /// What the rounds found; every count but the totals must be 0.
    public struct Figures: Sendable, CustomStringConvertible {
        public var rounds = 0
        public var ticketsOnPaper = 0
        public var distinctOnPaper = 0
        /// The same number (on the same day) on paper twice.
        public var duplicatesOnPaper = 0
        /// On paper, unknown to the store.
        public var unknownToStore = 0
        /// Stored as printed, yet not on paper.
        public var printedButMissing = 0
        /// Pieces of paper without a readable number (a ticket cut by the kill).
        public var tornTickets = 0
        /// Reservations the restart found without an outcome ("print unknown").
        public var printUnknown = 0
        public var ratingsAcknowledged = 0
        public var ratingsLost = 0
        /// Tickets with two counted votes.
        public var countedTwice = 0
        public var storedTickets = 0
        public var storedRatings = 0

        public var passed: Bool {
            duplicatesOnPaper == 0 && unknownToStore == 0 && printedButMissing == 0 && ratingsLost == 0 && countedTwice == 0
        }

        public var description: String {
            "rounds \(rounds): tickets on paper \(ticketsOnPaper) (distinct \(distinctOnPaper), torn \(tornTickets)), "
                + "stored \(storedTickets), print unknown after restart \(printUnknown); duplicates on paper \(duplicatesOnPaper), "
                + "on paper but unknown to the store \(unknownToStore), stored as printed but not on paper \(printedButMissing); "
                + "ratings acknowledged \(ratingsAcknowledged), stored \(storedRatings), lost \(ratingsLost), counted twice \(countedTwice)"
        }
    }

    let kiosk: String
    let folder: String
    let policy: Policy
    /// How long the keypads are pressed before the kill, at random within these bounds.
    let pressing: ClosedRange<Double>
    let port = freeLocalPort()
    private var random: SystemRandomNumberGenerator

    public init(kiosk: String, policy: Policy, pressing: ClosedRange<Double> = 0.1...0.8) throws {
        self.kiosk = kiosk
        self.policy = policy
        self.pressing = pressing
        random = SystemRandomNumberGenerator()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for keypad in Self.keypads where mkfifo("\(folder)/\(keypad).keypad", 0o600) != 0 {
            throw CrashRoundsFailure(description: "cannot make the FIFO \(keypad): errno \(errno)")
        }
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        signal(SIGPIPE, SIG_IGN)  // a write to a keypad whose daemon was just killed
    }

    static let keypads = ["kiosk", "officer-1", "officer-2", "rating-1", "rating-2"]
    var configFile: String { "\(folder)/centre.toml" }

    var config: String {
        """
        [centre]
        name = "Xã Thử Nghiệm"
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
        last_number = 99999
        [[services]]
        code = "B"
        name = "Hộ tịch"
        prefix = "B"
        last_number = 99999
        [[counters]]
        number = 1
        services = ["A", "B"]
        [[counters]]
        number = 2
        services = ["B", "A"]
        [printer]
        path = "printer.bin"
        profile = "epson-tm-t82"
        on_failure = "\(policy.rawValue)"
        [rating]
        burst_presses = 0
        [[keypads]]
        name = "kiosk"
        role = "kiosk"
        path = "kiosk.keypad"
        debounce_ms = 0
        rate_limit_presses = 100
        rate_limit_seconds = 1
        keys = { KEY_KP1 = "A", KEY_KP2 = "B" }
        [[keypads]]
        name = "officer-1"
        role = "officer"
        counter = 1
        path = "officer-1.keypad"
        debounce_ms = 0
        keys = { KEY_KPENTER = "next" }
        [[keypads]]
        name = "officer-2"
        role = "officer"
        counter = 2
        path = "officer-2.keypad"
        debounce_ms = 0
        keys = { KEY_KPENTER = "next" }
        [[keypads]]
        name = "rating-1"
        role = "rating"
        counter = 1
        path = "rating-1.keypad"
        debounce_ms = 0
        keys = { KEY_KP1 = 1, KEY_KP2 = 2, KEY_KP3 = 3 }
        [[keypads]]
        name = "rating-2"
        role = "rating"
        counter = 2
        path = "rating-2.keypad"
        debounce_ms = 0
        keys = { KEY_KP1 = 1, KEY_KP2 = 2, KEY_KP3 = 3 }
        """
    }

    /// Runs `rounds` rounds and checks after each; `progress` hears each round's figures.
    public mutating func run(rounds: Int, progress: (Figures) -> Void = { _ in }) throws -> Figures {
        for officer in ["an", "binh"] { _ = try command(["officer", "add", "--config", configFile, officer, "Cán bộ \(officer)"]) }
        var figures = Figures()
        var acknowledged: [String: Int] = [:]
        for round in 1...rounds {
            let log = "\(folder)/round-\(round).log"
            let daemon = try start(log: log)
            figures = try check(acknowledged: acknowledged, restartLog: log, previous: figures)
            figures.rounds = round - 1
            // Officers sign in again (the restart keeps them, but a new day would not).
            _ = try command(["officer", "sign-in", "--config", configFile, "--counter", "1", "an"])
            _ = try command(["officer", "sign-in", "--config", configFile, "--counter", "2", "binh"])
            try press(for: Double.random(in: pressing, using: &random), then: daemon)
            for (key, count) in Self.acknowledgedRatings(inLog: log) { acknowledged[key, default: 0] += count }
            figures.rounds = round
            progress(figures)
        }
        // The last round's kill is checked by one more start.
        let log = "\(folder)/final.log"
        let daemon = try start(log: log)
        figures = try check(acknowledged: acknowledged, restartLog: log, previous: figures)
        daemon.terminate()
        daemon.waitUntilExit()
        figures.rounds = rounds
        return figures
    }

    /// Starts the daemon and waits until its keypads are open.
    private func start(log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kiosk)
        process.arguments = ["run", "--config", configFile]
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "keypad ready").count > Self.keypads.count { return process }
            if !process.isRunning { throw CrashRoundsFailure(description: "the daemon ended at start: \(text)") }
            usleep(20_000)
        }
        process.terminate()
        throw CrashRoundsFailure(description: "the daemon did not open its keypads within 30 s")
    }

    /// Presses the keypads as fast as a busy hall never would, then kills the daemon mid-way.
    private mutating func press(for seconds: Double, then daemon: Process) throws {
        let fds = Self.keypads.map { open("\(folder)/\($0).keypad", O_WRONLY | O_NONBLOCK) }
        defer { fds.forEach { if $0 >= 0 { close($0) } } }
        guard fds.allSatisfy({ $0 >= 0 }) else { throw CrashRoundsFailure(description: "cannot open the keypads' FIFOs") }
        let until = Date().addingTimeInterval(seconds)
        var step = 0
        func tap(_ keypad: Int, _ code: UInt16) {
            var now = timeval()
            gettimeofday(&now, nil)
            let bytes = InputEvent.tap(code: code, seconds: Int64(now.tv_sec), microseconds: Int64(now.tv_usec)).flatMap(\.bytes)
            _ = bytes.withUnsafeBytes { write(fds[keypad], $0.baseAddress, $0.count) }
        }
        while Date() < until {
            tap(0, step % 2 == 0 ? 79 : 80)  // KEY_KP1 / KEY_KP2: a ticket for A or B
            if step % 8 == 0 { tap(1 + step / 8 % 2, 96) }  // KEY_KPENTER: next, counters in turn
            tap(3 + step % 2, UInt16(79 + Int.random(in: 0...2, using: &random)))  // a rating, counters in turn
            step += 1
            usleep(UInt32.random(in: 2000...5000, using: &random))
        }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
    }

    /// Compares paper and store after a restart.
    private func check(acknowledged: [String: Int], restartLog: String, previous: Figures) throws -> Figures {
        var figures = previous
        let stored = try exportRows("tickets")
        let ratings = try exportRows("ratings")
        figures.storedTickets = stored.count
        figures.storedRatings = ratings.count
        let storeKeys = Set(stored.map { "\($0["day"] as? String ?? "")/\($0["number"] as? String ?? "")" })

        let paper = try Self.paperTickets(at: "\(folder)/printer.bin")
        figures.ticketsOnPaper = paper.tickets.count
        figures.tornTickets = paper.torn
        var seen: [String: Int] = [:]
        for key in paper.tickets { seen[key, default: 0] += 1 }
        figures.distinctOnPaper = seen.count
        figures.duplicatesOnPaper = seen.values.filter { $0 > 1 }.reduce(0) { $0 + $1 - 1 }
        figures.unknownToStore = seen.keys.filter { !storeKeys.contains($0) }.count
        let printed = stored.filter { $0["print"] as? String == "printed" }
            .map { "\($0["day"] as? String ?? "")/\($0["number"] as? String ?? "")" }
        figures.printedButMissing = printed.filter { seen[$0] == nil }.count
        figures.printUnknown +=
            ((try? String(contentsOfFile: restartLog, encoding: .utf8)) ?? "")
            .components(separatedBy: "ticket may not have been printed").count - 1

        // Every acknowledged rating is stored (as a multiset of counter, ticket and flag).
        var inStore: [String: Int] = [:]
        var counted: [String: Int] = [:]
        for rating in ratings {
            let counter = rating["counter"] as? Int ?? 0
            let ticket = rating["ticket"] as? String ?? "-"
            let flag = rating["flag"] as? String ?? "-"
            inStore["\(counter) \(ticket) \(flag)", default: 0] += 1
            // A replaced first vote was counted once, then replaced: "replaced" keeps the history.
            if flag == "-", let id = rating["ticket"] as? String { counted["\(rating["day"] as? String ?? "")/\(id)", default: 0] += 1 }
        }
        figures.ratingsAcknowledged = acknowledged.values.reduce(0, +)
        figures.ratingsLost = acknowledged.reduce(0) { lost, entry in lost + max(0, entry.value - inStore[entry.key, default: 0]) }
        figures.countedTwice = counted.values.filter { $0 > 1 }.count
        return figures
    }

    private func exportRows(_ kind: String) throws -> [[String: Any]] {
        let out = try command([
            "export", "--config", configFile, "--from", "2000-01-01", "--to", "2100-12-31",
            "--rows", kind, "--format", "json",
        ])
        guard let rows = try JSONSerialization.jsonObject(with: out) as? [[String: Any]] else {
            throw CrashRoundsFailure(description: "the \(kind) export is not a JSON array")
        }
        return rows
    }

    @discardableResult
    private func command(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kiosk)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// The ratings a run's log acknowledged (logged once committed): "counter ticket flag" → count.
    static func acknowledgedRatings(inLog log: String) -> [String: Int] {
        var found: [String: Int] = [:]
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasSuffix("ratingRecorded") {
            func value(_ key: String) -> String {
                line.components(separatedBy: " \(key)=").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "-"
            }
            found["\(value("counter")) \(value("ticket.number")) \(value("flag"))", default: 0] += 1
        }
        return found
    }

    /// Each ticket on the paper as "day/number" (the day read from its printed date), and how
    /// many pieces had no readable number. Tickets are cut apart at each printer reset (`ESC @`).
    public static func paperTickets(at path: String) throws -> (tickets: [String], torn: Int) {
        let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
        var starts: [Int] = []
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x1B && bytes[i + 1] == 0x40 { starts.append(i) }
            i += 1
        }
        var tickets: [String] = []
        var torn = 0
        let decoder = EscPosDecoder(tcvn3Pages: [30, 31])
        for (n, start) in starts.enumerated() {
            let piece = Array(bytes[start..<(n + 1 < starts.count ? starts[n + 1] : bytes.count)])
            guard let elements = try? decoder.decode(piece) else {
                torn += 1
                continue
            }
            let lines = elements.compactMap { if case .text(let line) = $0 { line } else { nil } }
            guard let number = lines.first(where: { $0.height == 4 })?.text,
                let date = lines.lazy.compactMap({ Self.day(in: $0.text) }).first
            else {
                torn += 1
                continue
            }
            tickets.append("\(date)/\(number)")
        }
        return (tickets, torn)
    }

    /// `2026-12-01` from a printed `01/12/2026 08:15`.
    static func day(in text: String) -> String? {
        let parts = text.split(separator: " ").first?.split(separator: "/") ?? []
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), parts[2].count == 4 else { return nil }
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }
}

public struct CrashRoundsFailure: Error, CustomStringConvertible {
    public let description: String
}

/// A TCP port on 127.0.0.1 that nobody listens on right now.
public func freeLocalPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}
