import ArgumentParser
import Foundation
import KioskDevices
import KioskService

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Act as the hall's hardware, for the demo and for tests.",
        subcommands: [Press.self])

    struct Press: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Press keys on a simulated keypad: writes kernel input events to the keypad's path (a FIFO).")
        @OptionGroup var options: ConfigOption
        @Option(help: "The keypad's name in the config.") var keypad: String
        @Argument(help: "Kernel key names, pressed in turn (KEY_KP1 KEY_KPENTER).") var keys: [String]

        func run() throws {
            let config = try loadConfig(options.config)
            guard let settings = config.keypads.first(where: { $0.name == keypad }) else {
                throw ValidationError("no keypad named \(keypad); the config has: \(config.keypads.map(\.name).joined(separator: ", "))")
            }
            var events: [InputEvent] = []
            let now = Date().timeIntervalSince1970
            for (index, key) in keys.enumerated() {
                guard let code = KeyNames.code(of: key) else { throw ValidationError("\(key) is not a kernel key name (like KEY_KP1)") }
                let micros = Int64((now + Double(index) * 0.2) * 1_000_000)
                events += InputEvent.tap(code: code, seconds: micros / 1_000_000, microseconds: micros % 1_000_000)
            }
            do {
                try InputEventWriter.write(events, to: settings.path)
            } catch {
                throw ValidationError("cannot press keys on \(keypad): \(error). Is `kiosk run` running with this config?")
            }
            print("pressed \(keys.joined(separator: " ")) on \(keypad)")
        }
    }
}
