import ArgumentParser
import Foundation
import KioskService

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check an installation file; on a mistake, name its file, line and key.")

    @Argument(help: "The installation's TOML file.")
    var file: String

    func run() throws {
        let config = try loadConfig(file)
        print("\(file): ok")
        print("  centre: \(config.centreName) (\(config.timeZone.identifier))")
        print("  services: \(config.rules.services.map { "\($0.code) \($0.name)" }.joined(separator: ", "))")
        print(
            "  counters: \(config.rules.counters.map { "\($0.number) [\($0.services.map(\.rawValue).joined(separator: " "))]" }.joined(separator: ", "))"
        )
        print("  keypads: \(config.keypads.map { "\($0.name) (\($0.roleName), \($0.keyNames.count) keys)" }.joined(separator: ", "))")
        print("  printer: \(config.printer?.path ?? "none")")
        print("  database: \(config.databasePath)")
        print("  display: http://\(config.http.host):\(config.http.port)/display")
    }
}
