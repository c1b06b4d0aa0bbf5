import ArgumentParser
import Foundation
import KioskCore
import KioskDevices
import KioskService
import KioskStore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Measurements for `scripts/bench`; not for installers, so hidden from the help.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print measurements as tab-separated lines (used by scripts/bench).",
        shouldDisplay: false,
        subcommands: [Tickets.self, Keypads.self])

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
                var bytes = TestPrint.sampleTicket(config, renderer: renderer) // warm up: fonts, caches
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
            abstract: "Latency from a key press's kernel timestamp to its ticket applied in the queue engine.")
        @Option(help: "Simulated keypads (FIFOs), one service each.") var keypads = 20
        @Option(help: "Presses in all, round-robin over the keypads.") var presses = 10_000
        @Option(help: "Microseconds between two presses.") var intervalUs = 1000

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let codes = (0..<keypads).map { ServiceCode(String(format: "S%02d", $0 + 1)) }
            let rules = QueueRules(services: codes.map { ServiceDefinition(code: $0, name: $0.rawValue, prefix: $0.rawValue + "-", lastNumber: 9999) },
                                   counters: [CounterDefinition(number: CounterNumber(1), services: codes)])
            let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
            let engine = try QueueEngine(rules: rules, database: KioskDatabase(path: "\(folder)/bench.sqlite"), logger: quiet)
            let (_, events) = await engine.subscribe()
            let health = DeviceHealth()
            let key = KeyNames.code(of: "KEY_KP1")!
            var readers: [Task<Void, any Error>] = []
            for (i, code) in codes.enumerated() {
                let fifo = "\(folder)/keypad-\(i)"
                guard mkfifo(fifo, 0o600) == 0 else { throw ValidationError("cannot make \(fifo)") }
                let settings = KeypadSettings(name: "k\(i)", locator: .path(fifo), grab: false,
                                              filter: PressFilter.Settings(debounce: 0), role: .kiosk(keys: [key: KioskKey(service: code, priority: false)]),
                                              keyNames: [key: "KEY_KP1"])
                let service = KeypadService(settings: settings, router: CommandRouter(engine: engine, issuer: nil), health: health, logger: quiet)
                readers.append(Task { try await service.run() })
            }
            defer { readers.forEach { $0.cancel() } }
            while await health.all.filter({ $0.state == .ok }).count < keypads { try await Task.sleep(for: .milliseconds(20)) }

            let writers = (0..<keypads).map { open("\(folder)/keypad-\($0)", O_WRONLY | O_NONBLOCK) }
            var pressed: [String: Double] = [:] // "S01#7" → press time
            let collector = Task {
                var applied: [String: Double] = [:]
                for await event in events {
                    if case .ticketIssued(let t, _) = event.kind { applied["\(t.service)#\(t.sequence)"] = t.issuedAt.timeIntervalSince1970 }
                    if applied.count == presses { break }
                }
                return applied
            }
            for n in 0..<presses {
                let keypad = n % keypads
                var now = timeval()
                gettimeofday(&now, nil)
                let bytes = InputEvent.tap(code: key, seconds: Int64(now.tv_sec), microseconds: Int64(now.tv_usec)).flatMap(\.bytes)
                _ = bytes.withUnsafeBytes { write(writers[keypad], $0.baseAddress, $0.count) }
                pressed["\(codes[keypad])#\(n / keypads + 1)"] = Double(now.tv_sec) + Double(now.tv_usec) / 1e6
                usleep(UInt32(intervalUs))
            }
            let applied = await collector.value
            writers.forEach { close($0) }
            let latencies = pressed.compactMap { key, at in applied[key].map { ($0 - at) * 1000 } }.sorted()
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print("keypads\tpresses\tapplied\tp50_ms\tp99_ms\tmax_ms")
            print("\(keypads)\t\(presses)\t\(latencies.count)\t\(String(format: "%.2f", percentile(0.5)))\t\(String(format: "%.2f", percentile(0.99)))\t\(String(format: "%.2f", latencies.last ?? 0))")
        }
    }
}
