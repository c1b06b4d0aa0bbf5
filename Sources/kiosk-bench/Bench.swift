import ArgumentParser
import Foundation
import KioskCore
import KioskDevices
import KioskProvince
import KioskSampleData
import KioskService
import KioskStore
import KioskTestSupport
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Measurements for `scripts/bench`, as tab-separated lines. Its own executable, which the
/// package does not ship: the daemon's binary carries no benchmark or sample-data code.
@main
struct KioskBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-bench",
        abstract: "Print measurements as tab-separated lines (used by scripts/bench).",
        subcommands: [
            Tickets.self, Keypads.self, Calls.self, MakeSampleYear.self, Reports.self, WaitEstimateBench.self,
            ProvinceSyncBench.self, ProvinceYearBench.self,
        ])

    struct Tickets: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time building one ticket per printer text mode.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Tickets built per mode.") var iterations = 200

        func run() throws {
            let config = try loadConfig(options.config)
            print("mode\tprofile\tmicroseconds_per_ticket\tbytes_per_ticket")
            for name in ["epson-tm-t82", "xprinter-80"] {
                let profile = PrinterProfile.named(name)!
                let renderer = try TicketRenderer(config: config, profile: profile)
                var bytes = TestPrint.sampleTicket(config, renderer: renderer)  // warm up: fonts, caches
                let clock = ContinuousClock()
                let elapsed = clock.measure {
                    for _ in 0..<iterations { bytes = TestPrint.sampleTicket(config, renderer: renderer) }
                }
                let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
                print("\(profile.textMode.rawValue)\t\(name)\t\(String(format: "%.1f", micros / Double(iterations)))\t\(bytes.count)")
            }
        }
    }

    struct Keypads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latency from a key press's kernel timestamp to its ticket committed, and to its bytes at the printer.")
        @Option(help: "Simulated keypads (FIFOs), one service each.") var keypads = 20
        @Option(help: "Presses in all, round-robin over the keypads.") var presses = 10_000
        @Option(help: "Microseconds between two presses.") var intervalUs = 1000
        @Flag(help: "A printer that does not answer status queries.") var noStatus = false
        @Option(
            help:
                "Days of a busy centre's events not yet sent to the province: they sync to a local PostgreSQL while the presses go on (0: no sync)."
        )
        var provinceBacklogDays = 0

        /// One serial printer on a pseudo-terminal, as a centre's: the ticket journal (the
        /// reservation's durable commit before any byte), the status queries the printer
        /// answers, the bytes written. The far end notes when each ticket's last byte (its cut)
        /// arrived.
        func run() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let codes = (0..<keypads).map { ServiceCode(String(format: "S%02d", $0 + 1)) }
            let rules = QueueRules(
                services: codes.map { ServiceDefinition(code: $0, name: "Dịch vụ \($0.rawValue)", prefix: $0.rawValue, lastNumber: 9999) },
                counters: [CounterDefinition(number: CounterNumber(1), services: codes)])
            let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
            let health = DeviceHealth()
            let path = "\(folder)/bench.sqlite"
            // A backlog for the province, sent while the hall works by `kiosk-province sync` in a
            // process of its own, at the priorities its unit gives it (nice 10, idle I/O).
            var province: (server: PrivatePostgres, link: ProvinceLink, sync: Process)?
            if provinceBacklogDays > 0 {
                let database = try KioskDatabase(path: path)
                var sample = SampleEvents()
                (sample.ticketsPerDay, sample.counters, sample.officers) = (1917, 10, 20)
                try sample.append(to: database, from: LocalDay(year: 2026, month: 1, day: 1), days: provinceBacklogDays)
                // The province's server is another machine: its disk writes must not queue behind
                // (or ahead of) the hall's commits on this one's disk.
                let server = try PrivatePostgres(durable: false)
                _ = try await CentralServer(address: ProvinceServerAddress(server.url), passwordFile: server.passwordFile).migrate(
                    logger: quiet)
                let config = "\(folder)/province.toml"
                try await provinceConfigText(code: "26.0001", database: path, server: server).write(
                    toFile: config, atomically: true, encoding: .utf8)
                // The generated backlog's pages go to the disk now, not under the presses.
                Glibc.sync()
                try await Task.sleep(for: .seconds(2))
                let sync = Process()
                sync.executableURL = URL(fileURLWithPath: "/usr/bin/ionice")
                let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                    "kiosk-province"
                ).path
                sync.arguments = ["-c", "3", "nice", "-n", "10", binary, "sync", "--config", config]
                sync.standardError = FileHandle(forWritingAtPath: "/dev/null")
                try sync.run()
                let link = ProvinceLink(readingFrom: ProvinceSettings.statusFile(database: path), server: server.url)
                province = (server, link, sync)
                while link.current?.eventsSent ?? 0 == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            defer { province?.sync.terminate() }
            let sentBefore = province?.link.current?.eventsSent ?? 0
            let engine = try QueueEngine(
                rules: rules, database: KioskDatabase(path: path),
                health: health, logger: quiet)
            let (_, events) = await engine.subscribe(buffer: presses * 4)
            let port = try PseudoTerminal()
            let far = FarPrinter(port)
            var profile = PrinterProfile.named("epson-tm-t82")!
            profile.answersStatus = !noStatus
            let renderer = TicketRenderer(
                centreName: "Trung tâm xã Tân Phú", layout: TicketLayout(title: "PHIẾU SỐ THỨ TỰ", footer: ["Xin cảm ơn!"]),
                timeZone: rules.timeZone, profile: profile, rasterizer: nil)
            let issuer = TicketIssuer(
                engine: engine, printer: DevicePathPrinter(path: port.slavePath, baud: 115200), renderer: renderer,
                policy: .refuse, health: health, logger: quiet)
            let router = CommandRouter(engine: engine, issuer: issuer)
            let key = KeyNames.code(of: "KEY_KP1")!
            var readers: [Task<Void, any Error>] = []
            for (i, code) in codes.enumerated() {
                let fifo = "\(folder)/keypad-\(i)"
                guard mkfifo(fifo, 0o600) == 0 else { throw ValidationError("cannot make \(fifo)") }
                let settings = KeypadSettings(
                    name: "k\(i)", locator: .path(fifo), grab: false,
                    filter: PressFilter.Settings(debounce: 0), role: .kiosk(keys: [key: KioskKey(service: code, priority: false)]),
                    keyNames: [key: "KEY_KP1"])
                let service = KeypadService(settings: settings, router: router, health: health, logger: quiet)
                readers.append(Task { try await service.run() })
            }
            defer { readers.forEach { $0.cancel() } }
            while health.all.filter({ $0.device.hasPrefix("keypad") && $0.state == .ok }).count < keypads {
                try await Task.sleep(for: .milliseconds(20))
            }

            let writers = (0..<keypads).map { open("\(folder)/keypad-\($0)", O_WRONLY | O_NONBLOCK) }
            var pressed: [String: Double] = [:]  // "S01-7" → press time
            let collector = Task {
                var committed: [String: Double] = [:]
                for await event in events {
                    if case .ticketIssued(let t, _) = event.kind { committed[t.display] = Date().timeIntervalSince1970 }
                    if committed.count == presses { break }
                }
                return committed
            }
            for n in 0..<presses {
                let keypad = n % keypads
                var now = timeval()
                gettimeofday(&now, nil)
                let bytes = InputEvent.tap(code: key, seconds: Int64(now.tv_sec), microseconds: Int64(now.tv_usec)).flatMap(\.bytes)
                _ = bytes.withUnsafeBytes { write(writers[keypad], $0.baseAddress, $0.count) }
                let service = rules.services[keypad]
                pressed[service.display(number: service.number(forSequence: n / keypads + 1))] =
                    Double(now.tv_sec) + Double(now.tv_usec) / 1e6
                usleep(UInt32(intervalUs))
            }
            let committed = await collector.value
            let printed = far.waitFor(presses, seconds: 30)
            writers.forEach { close($0) }
            func latencies(_ at: [String: Double]) -> [Double] { pressed.compactMap { key, t in at[key].map { ($0 - t) * 1000 } }.sorted() }
            func row(_ name: String, _ values: [Double]) -> String {
                func p(_ q: Double) -> String { String(format: "%.2f", ServiceTimes.percentile(values, q) ?? 0) }
                return
                    "\(name)\t\(keypads)\t\(presses)\t\(values.count)\t\(p(0.5))\t\(p(0.99))\t\(String(format: "%.2f", values.last ?? 0))"
            }
            print("path\tkeypads\tpresses\tdone\tp50_ms\tp99_ms\tmax_ms")
            print(row("press→reserved (durable)", latencies(committed)))
            print(row("press→bytes at printer", latencies(printed)))
            if let link = province?.link.current {
                print("province sync during the presses: \(link.eventsSent - sentBefore) events sent, \(link.eventsBehind) still to send")
            }
        }
    }

    /// The far end of the bench's serial printer: answers status queries as a ready Epson
    /// would, and notes when each ticket's last byte (its cut) arrived. The tickets are read
    /// (decoded to their numbers) afterwards, so that reading them takes no time from printing.
    final class FarPrinter: @unchecked Sendable {
        // @unchecked: `tickets` is guarded by its mutex; the rest belongs to the reading thread.
        private let tickets = Mutex<[(bytes: [UInt8], at: Double)]>([])

        init(_ port: PseudoTerminal) {
            Thread { self.serve(port) }.start()
        }

        private func serve(_ port: PseudoTerminal) {
            // The port stays open on this side too, as a printer's cable does: otherwise the
            // master reports a hang-up each time the daemon closes the port between tickets.
            let cable = open(port.slavePath, O_RDWR | O_NOCTTY)
            defer { close(cable) }
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var scanned = 0
            while true {
                var pfd = pollfd(fd: port.master, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 1000) > 0 else { continue }
                let n = read(port.master, &buffer, buffer.count)
                if n <= 0 {
                    usleep(1000)
                    continue
                }
                let at = Date().timeIntervalSince1970
                pending += buffer[0..<n]
                // Status queries (DLE EOT n) and tickets, in the order they came (one read can
                // hold a ticket's end and the next query).
                var i = max(0, scanned - 3)
                while true {
                    if pending.count >= 3, pending[0] == 0x10, pending[1] == 0x04 {
                        var ready: UInt8 = 0x12
                        _ = write(port.master, &ready, 1)
                        pending.removeFirst(3)
                        i = 0
                        continue
                    }
                    // A whole ticket ends with its cut, GS V and two bytes.
                    guard i + 3 < pending.count else { break }
                    if pending[i] == 0x1D && pending[i + 1] == 0x56 {
                        let ticket = Array(pending[...(i + 3)])
                        tickets.withLock { $0.append((ticket, at)) }
                        pending.removeFirst(i + 4)
                        i = 0
                        continue
                    }
                    i += 1
                }
                scanned = pending.count
            }
        }

        /// Each ticket's number and when its last byte arrived.
        func waitFor(_ count: Int, seconds: Double) -> [String: Double] {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, tickets.withLock({ $0.count }) < count { usleep(10_000) }
            let decoder = EscPosDecoder(tcvn3Pages: [30, 31])
            var arrived: [String: Double] = [:]
            for (bytes, at) in tickets.withLock({ $0 }) {
                let number = (try? decoder.decode(bytes))?.lazy.compactMap { element -> String? in
                    if case .text(let line) = element, line.height == 4 { line.text } else { nil }
                }.first
                if let number { arrived[number] = at }
            }
            return arrived
        }
    }

    struct Calls: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latency from a call command to the LED frame on the port and to the push message at a display client.")
        @Option(help: "Calls to time.") var calls = 500
        @Option(help: "Counters, each with a board on one shared bus.") var counters = 5
        @Option(help: "Milliseconds between calls (more than the bus's gap, so pacing is left out).") var intervalMs = 20
        @Flag(help: "Time the calls while the serial ticket printer has stopped taking data, and tickets keep being asked for.")
        var stuckPrinter = false

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let bus = try PseudoTerminal()
            let printerPort = try PseudoTerminal()
            let far = FarPrinter(printerPort)
            let port = freeLocalPort()
            var config =
                "[centre]\nname = \"Bench\"\n[database]\npath = \"bench.sqlite\"\n[http]\nbind = \"127.0.0.1:\(port)\"\n"
                + "[control]\nsocket = \"control.sock\"\n[[services]]\ncode = \"A\"\nname = \"A\"\nprefix = \"A\"\nlast_number = 9999\n"
                + "[[services]]\ncode = \"B\"\nname = \"B\"\nprefix = \"B\"\nlast_number = 9999\n"
            if stuckPrinter {
                // No status queries: the printer takes the ticket's first bytes and then nothing, the worst case.
                config +=
                    "[printer]\npath = \"\(printerPort.slavePath)\"\nprofile = \"epson-tm-t82\"\nstatus_queries = false\nbaud = 115200\n"
            }
            for c in 1...counters {
                config +=
                    "[[counters]]\nnumber = \(c)\nservices = [\"A\"]\n[[boards]]\ncounter = \(c)\nport = \"\(bus.slavePath)\"\naddress = \(c)\ngap_ms = 2\n"
            }
            let file = "\(folder)/bench.toml"
            try config.write(toFile: file, atomically: true, encoding: .utf8)
            let database = try KioskDatabase(path: "\(folder)/bench.sqlite")
            for c in 1...counters { try database.addOfficer(Officer(id: OfficerID("o\(c)"), name: "O\(c)", createdAt: Date())) }

            let daemon = Process()
            // The daemon's own binary, built beside this one.
            let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            daemon.executableURL = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("kiosk")
            daemon.arguments = ["run", "--config", file, "--log-level", "error"]
            daemon.standardError = FileHandle(forWritingAtPath: "/dev/null")  // the stuck printer's errors are expected
            try daemon.run()
            defer {
                daemon.terminate()
                daemon.waitUntilExit()
            }
            let socket = "\(folder)/control.sock"
            func send(_ request: String) throws {
                let reply = try ControlClient.send(request, to: socket)
                guard reply.hasPrefix("ok") else { throw ValidationError("\(request): \(reply)") }
            }
            var started = false
            for _ in 0..<200 where !started {
                started = (try? send("sign-in 1 o1")) != nil
                if !started { usleep(50_000) }
            }
            for c in 1...counters { try send("sign-in \(c) o\(c)") }
            for _ in 0..<calls { try send("issue A") }
            // The printer stops taking data (CTS held low, as the kernel sees a suspended
            // terminal), and citizens keep pressing: a ticket is always stuck at the printer.
            let stall = stuckPrinter ? open(printerPort.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK) : -1
            let pressing = Mutex(stuckPrinter)
            if stuckPrinter {
                _ = far.waitFor(calls, seconds: 30)
                tcflow(stall, TCOOFF)
                let filler = [UInt8](repeating: 0x20, count: 4096)
                while filler.withUnsafeBytes({ write(stall, $0.baseAddress, $0.count) }) > 0 {}
                Thread {
                    while pressing.withLock({ $0 }) { _ = try? ControlClient.send("issue B", to: socket) }
                }.start()
                usleep(200_000)
            }
            defer {
                pressing.withLock { $0 = false }
                if stall >= 0 {
                    tcflow(stall, TCOON)
                    close(stall)
                }
            }
            let sse = try openEventStream(port: port)
            defer { close(sse) }
            var sseText = ""
            var busBytes: [UInt8] = []
            _ = waitFor(sse: sse, bus: bus.master, sseText: &sseText, busBytes: &busBytes) { text, _ in text.contains("event: state") }

            var push: [Double] = []
            var led: [Double] = []
            for i in 0..<calls {
                let counter = i % counters + 1
                sseText = ""
                busBytes = []
                let start = ContinuousClock.now
                try send("next \(counter)")
                var pushAt: ContinuousClock.Instant?
                var ledAt: ContinuousClock.Instant?
                var number: String?
                let ok = waitFor(sse: sse, bus: bus.master, sseText: &sseText, busBytes: &busBytes) { text, bytes in
                    if pushAt == nil, let range = text.range(of: "event: call\ndata: "), text[range.upperBound...].contains("\n") {
                        pushAt = .now
                        let json = text[range.upperBound...].prefix { $0 != "\n" }
                        number = json.components(separatedBy: "\"number\":\"").dropFirst().first?.components(separatedBy: "\"").first
                    }
                    if ledAt == nil, let number, let end = bytes.lastIndex(of: 0x07),
                        String(decoding: bytes[..<end], as: UTF8.self).hasSuffix(number)
                    {
                        ledAt = .now
                    }
                    return pushAt != nil && ledAt != nil
                }
                guard ok, let pushAt, let ledAt else { throw ValidationError("call \(i) at counter \(counter) not seen within 5 s") }
                push.append(Double((pushAt - start) / .microseconds(1)) / 1000)
                led.append(Double((ledAt - start) / .microseconds(1)) / 1000)
                usleep(UInt32(intervalMs * 1000))
            }
            func p(_ values: [Double], _ q: Double) -> String {
                String(format: "%.2f", ServiceTimes.percentile(values.sorted(), q) ?? 0)
            }
            // The printer really was stuck all along: the daemon says so once the first stuck
            // ticket's deadline (5 s) has passed.
            if stuckPrinter {
                var reported = false
                for _ in 0..<100 where !reported {
                    reported = (try health(port: port)).contains("printer stalled")
                    if !reported { usleep(100_000) }
                }
                guard reported else { throw ValidationError("the printer was not reported stuck: the measurement does not hold") }
            }
            let condition = stuckPrinter ? ", printer stuck" : ""
            print("path\tcalls\tp50_ms\tp99_ms\tmax_ms")
            print("call→push(SSE)\(condition)\t\(calls)\t\(p(push, 0.5))\t\(p(push, 0.99))\t\(p(push, 1))")
            print("call→LED frame\(condition)\t\(calls)\t\(p(led, 0.5))\t\(p(led, 0.99))\t\(p(led, 1))")
        }

        /// Reads the display stream and the bus until `done` says so, or 5 s pass.
        private func waitFor(
            sse: Int32, bus: Int32, sseText: inout String, busBytes: inout [UInt8],
            _ done: (String, [UInt8]) -> Bool
        ) -> Bool {
            let deadline = ContinuousClock.now + .seconds(5)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while ContinuousClock.now < deadline {
                if done(sseText, busBytes) { return true }
                var fds = [pollfd(fd: sse, events: Int16(POLLIN), revents: 0), pollfd(fd: bus, events: Int16(POLLIN), revents: 0)]
                guard poll(&fds, 2, 100) > 0 else { continue }
                if fds[0].revents & Int16(POLLIN) != 0 {
                    let n = read(sse, &buffer, buffer.count)
                    if n > 0 { sseText += String(decoding: buffer[0..<n], as: UTF8.self) }
                }
                if fds[1].revents & Int16(POLLIN) != 0 {
                    let n = read(bus, &buffer, buffer.count)
                    if n > 0 { busBytes += buffer[0..<n] }
                }
            }
            return done(sseText, busBytes)
        }

        /// The daemon's `/health`, as text.
        private func health(port: Int) throws -> String {
            let fd = try openConnection(port: port, path: "/health")
            defer { close(fd) }
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 2000) > 0 else { break }
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                text += String(decoding: buffer[0..<n], as: UTF8.self)
            }
            return text
        }

        private func openEventStream(port: Int) throws -> Int32 {
            try openConnection(port: port, path: "/api/display/events")
        }

        private func openConnection(port: Int, path: String) throws -> Int32 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(port).bigEndian
            let ok = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard ok == 0 else { throw ValidationError("cannot connect to the daemon on port \(port)") }
            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            return fd
        }
    }

    struct MakeSampleYear: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sample-year", abstract: "Make a database with a generated year of a busy centre (for benchmarks).")
        @Option(help: "The database to create (must not exist).") var database: String
        @Option(help: "Tickets per working day (313 days).") var ticketsPerDay = 1917
        @Option(help: "Share of finished tickets that are rated.") var rated = 0.7

        func run() throws {
            guard !FileManager.default.fileExists(atPath: database) else { throw ValidationError("\(database) exists already") }
            let services = (1...8).map { ServiceCode(String(UnicodeScalar(UInt8(64 + $0)))) }
            let made = try SampleYear.fill(
                path: database, year: 2026, services: services, officers: 20, counters: 10,
                ticketsPerDay: ticketsPerDay, ratedShare: rated)
            print("tickets\tratings")
            print("\(made.tickets)\t\(made.ratings)")
        }
    }

    struct Reports: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the quarterly per-officer report and the year's summary by service.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The database to report on.") var database: String

        func run() throws {
            var config = try loadConfig(options.config)
            config.databasePath = database
            let db = try KioskDatabase(path: database)
            print("report\trows\tfirst run (s)\tslowest of 3 (s)")
            for (name, from, to, by) in [
                ("Q2 per officer", "2026-04-01", "2026-06-30", ReportGrouping.officer),
                ("2026 by service", "2026-01-01", "2026-12-31", ReportGrouping.service),
            ] {
                let clock = ContinuousClock()
                var rows = 0
                let times = try (0..<3).map { _ in
                    let elapsed = try clock.measure {
                        let report = try SatisfactionReport(
                            database: db, config: config, from: LocalDay(iso: from)!, to: LocalDay(iso: to)!, by: by)
                        rows = report.rows.count
                        _ = report.csv()
                    }
                    return Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
                }
                print("\(name)\t\(rows)\t\(String(format: "%.3f", times[0]))\t\(String(format: "%.3f", times.max()!))")
            }
        }
    }
}
