import ArgumentParser
import Foundation
import KioskService

@main
struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Queue tickets, counter calls and satisfaction ratings for a public service centre.",
        version: kioskVersion,
        subcommands: [
            Run.self, CheckConfig.self, Migrate.self, Export.self, Backup.self, Restore.self, AccountCommand.self, OfficerCommand.self,
            CounterCommand.self,
            TicketPreview.self, PrintTest.self, ReadPrint.self, Reprint.self, VoidTicket.self, Devices.self, Simulate.self,
        ])
}

/// `--config FILE`, shared by the commands that work on an installation.
struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "The installation's TOML file.")
    var config: String
}
