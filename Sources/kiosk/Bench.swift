import ArgumentParser
import Foundation
import KioskCore
import KioskDevices
import KioskService

/// Measurements for `scripts/bench`; not for installers, so hidden from the help.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print measurements as tab-separated lines (used by scripts/bench).",
        shouldDisplay: false,
        subcommands: [Tickets.self])

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
}
