import ArgumentParser
import Foundation
import KioskDevices

#if canImport(Glibc)
    import Glibc
#endif

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List input devices, to find the keypads and their stable names.",
        subcommands: [List.self, Watch.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List /dev/input devices: node, stable links, name, phys, uniq, vendor:product, keys.")

        func run() throws {
            let devices = InputDevices.scan()
            guard !devices.isEmpty else {
                print("no input devices in \(InputDevices.folder) (plug a keypad in; in a VM or container there may be none)")
                return
            }
            for d in devices {
                if let problem = d.problem {
                    print("\(d.node)  cannot read: \(problem) (run as root, or join the group input)")
                    continue
                }
                print("\(d.node)  \(d.hasKeys ? "keys" : "no keys")  \(String(format: "%04x:%04x", d.vendor, d.product))  \"\(d.name)\"")
                print("    phys=\(d.phys)  uniq=\(d.uniq)")
                for link in d.links { print("    \(link)") }
            }
            print("Use a /dev/input/by-path/... link in the config: identical keypads share their by-id name.")
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each key's kernel name as it is pressed (Ctrl-C stops), to bind keys in the config.")

        @Argument(help: "A keypad's path; by default every device with keys.") var path: String?

        func run() async throws {
            let paths = path.map { [$0] } ?? InputDevices.scan().filter { $0.hasKeys && $0.problem == nil }.map(\.node)
            guard !paths.isEmpty else {
                line("no keypad to watch: plug one in, or name its path")
                throw ExitCode(1)
            }
            line("watching \(paths.joined(separator: ", ")): press keys (Ctrl-C stops)")
            await withTaskGroup(of: Void.self) { group in
                for path in paths {
                    group.addTask {
                        // Not grabbed: the keys go on working elsewhere while an installer looks.
                        for await update in InputSource(path: path, grab: false).updates() {
                            switch update {
                            case .event(let e) where e.isKeyPress:
                                line("\(path)  \(KeyNames.name(of: e.code) ?? "code \(e.code)")")
                            case .unavailable(let error):
                                line("\(path)  unavailable: \(error)")
                            case .resynchronised:
                                line("\(path)  events dropped by the kernel: resynchronised")
                            case .opened, .event:
                                break
                            }
                        }
                    }
                }
            }
        }

        /// One line at once, even into a pipe: an installer or a script reads them as they come.
        private func line(_ text: String) {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}
