import ArgumentParser
import Foundation
import KioskCore
import KioskService
import KioskStore

struct OfficerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "officer",
        abstract: "Manage officer accounts and sign officers in and out at counters.",
        subcommands: [Add.self, List.self, Disable.self, SignIn.self, SignOut.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an officer account.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Account name: lower-case letters, digits, dots, dashes (nguyen.van.an).") var id: String
        @Argument(help: "Full name as it appears in reports (\"Nguyễn Văn An\").") var name: String

        func validate() throws {
            guard (1...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || ".-_".contains($0)) }) else {
                throw ValidationError("account name \(id): use 1 to 64 lower-case letters, digits, dots, dashes or underscores")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("the full name must not be empty") }
        }

        func run() throws {
            let database = try KioskDatabase(path: try loadConfig(options.config).databasePath)
            if try database.officer(OfficerID(id)) != nil { throw ValidationError("an officer account \(id) exists already") }
            try database.addOfficer(Officer(id: OfficerID(id), name: name.precomposedStringWithCanonicalMapping, createdAt: Date()))
            print("added \(id) (\(name))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List officer accounts.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let database = try KioskDatabase(path: try loadConfig(options.config).databasePath)
            for officer in try database.officers() {
                print("\(officer.id)\t\(officer.name)\(officer.active ? "" : "\t(disabled)")")
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer sign in; its history stays.")
        @OptionGroup var options: ConfigOption
        @Argument var id: String

        func run() throws {
            let database = try KioskDatabase(path: try loadConfig(options.config).databasePath)
            guard try database.setOfficerActive(OfficerID(id), false) else { throw ValidationError("no officer account \(id)") }
            print("disabled \(id)")
        }
    }

    struct SignIn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-in", abstract: "Sign an officer in at a counter (the daemon must run).")
        @OptionGroup var options: ConfigOption
        @Option(help: "The counter number.") var counter: Int
        @Argument var id: String

        func run() throws { try send("sign-in \(counter) \(id)", options) }
    }

    struct SignOut: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sign-out", abstract: "Sign the officer at a counter out.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The counter number.") var counter: Int

        func run() throws { try send("sign-out \(counter)", options) }
    }
}

struct CounterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counter",
        abstract:
            "Act at a counter without a keypad: next 3, call 3 A015, recall 3, finish 3, hold 3, return 3, no-show 3, transfer 3 service B."
    )

    @OptionGroup var options: ConfigOption
    @Argument(parsing: .captureForPassthrough, help: "The request, e.g. `next 1`.") var request: [String]

    func run() throws { try send(request.joined(separator: " "), options) }
}

/// Sends a request to the running daemon and prints its reply; a refusal exits with status 1.
func send(_ request: String, _ options: ConfigOption) throws {
    let config = try loadConfig(options.config)
    let reply: String
    do {
        reply = try ControlClient.send(request, to: config.controlSocket)
    } catch {
        throw ValidationError("cannot reach the daemon at \(config.controlSocket): \(error). Is `kiosk run` running?")
    }
    print(reply)
    if !reply.hasPrefix("ok") { throw ExitCode(1) }
}
