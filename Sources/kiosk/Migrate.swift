import ArgumentParser
import KioskStore

/// `kiosk migrate`: brings the database's schema up to this version (the package's postinst
/// runs it before the service starts, so a failure shows at install time, not in the hall).
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the database, or bring its schema up to this version.")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try loadConfig(options.config)
        _ = try KioskDatabase(path: config.databasePath)
        print("database \(config.databasePath) is up to date")
    }
}
