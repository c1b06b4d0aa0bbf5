import ArgumentParser
import Foundation
import KioskService

/// `--config FILE`, as the daemon's commands take it.
struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "The installation's TOML file.")
    var config: String
}

/// Loads the config or exits with its error and status 2.
func loadConfig(_ file: String) throws -> KioskConfig {
    do {
        return try ConfigLoader.load(file: file)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
