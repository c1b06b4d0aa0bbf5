import ArgumentParser
import Foundation
import KioskCore
import KioskService
import KioskStore
import Logging

/// `kiosk account`: the accounts of the staff pages, from a shell or a script. The first admin
/// is made here; after that an admin can do the same on the accounts page.
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Manage the accounts of the staff pages: add, list, disable, enable, role, password.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, SetRole.self, Password.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account (the first admin: --role admin --password-stdin).")
        @OptionGroup var options: ConfigOption
        @Option(help: "admin, leader or officer.") var role: String = "officer"
        @Flag(help: "Read the password from standard input (one line), so it works in scripts.") var passwordStdin = false
        @Argument(help: "Login name: lower-case letters, digits, dots, dashes (nguyen.van.an).") var id: String
        @Argument(help: "Full name as it appears in reports (\"Nguyễn Văn An\").") var name: String

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("role \(role): use admin, leader or officer") }
            let accounts = try accountService(options)
            let password = passwordStdin ? try readPassword() : nil
            do {
                _ = try await accounts.add(id: id, name: name, role: role, password: password, actor: commandLineActor())
            } catch let error as AccountService.AccountError {
                throw ValidationError(error.description)
            }
            print(
                "added \(id) (\(name)), role \(role.rawValue)"
                    + (password == nil ? "; no password yet: set one with `kiosk account password`" : ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts: id, role, name, state.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let database = try KioskDatabase(path: try loadConfig(options.config).databasePath)
            for account in try database.officers() {
                let credentials = try database.credentials(of: account.id)
                var state = account.active ? "active" : "disabled"
                if credentials?.passwordHash == nil { state += ", no password" }
                if let until = credentials?.lockedUntil, until > Date() { state += ", locked" }
                print("\(account.id)\t\(account.role.rawValue)\t\(account.name)\t\(state)")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: it can no longer log in or sign in; its history stays.")
        @OptionGroup var options: ConfigOption
        @Argument var id: String

        func run() async throws {
            try await change(options) { try await $0.setActive(OfficerID(id), false, actor: commandLineActor()) }
            print("disabled \(id)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @OptionGroup var options: ConfigOption
        @Argument var id: String

        func run() async throws {
            try await change(options) { try await $0.setActive(OfficerID(id), true, actor: commandLineActor()) }
            print("enabled \(id)")
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Change an account's role (admin, leader, officer).")
        @OptionGroup var options: ConfigOption
        @Argument var id: String
        @Argument(help: "admin, leader or officer.") var role: String

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("role \(role): use admin, leader or officer") }
            try await change(options) { try await $0.setRole(OfficerID(id), role, actor: commandLineActor()) }
            print("\(id) is now \(role.rawValue)")
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set (reset) an account's password, read from standard input; unlocks it and ends its sessions.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false
        @Argument var id: String

        func validate() throws {
            guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        }

        func run() async throws {
            let accounts = try accountService(options)
            let password = try readPassword()
            do {
                try await accounts.setPassword(OfficerID(id), password, actor: commandLineActor())
            } catch let error as AccountService.AccountError {
                throw ValidationError(error.description)
            }
            print("password set for \(id)")
        }
    }
}

private func accountService(_ options: ConfigOption) throws -> AccountService {
    let config = try loadConfig(options.config)
    return AccountService(
        database: try KioskDatabase(path: config.databasePath), settings: config.accounts,
        timeZone: config.timeZone, logger: Logger(label: "kiosk.account"))
}

private func change(_ options: ConfigOption, _ action: (AccountService) async throws -> Void) async throws {
    do {
        try await action(try accountService(options))
    } catch let error as AccountService.AccountError {
        throw ValidationError(error.description)
    }
}

/// One line of standard input, without its newline; never echoed or logged.
private func readPassword() throws -> String {
    guard let line = Swift.readLine(strippingNewline: true) else {
        throw ValidationError("no password on standard input (give it as one line)")
    }
    let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
    if let why = PasswordRule.problem(password) { throw ValidationError(why) }
    return password
}

/// Who ran the command, for the audit log: `cli:<user>`.
func commandLineActor() -> String {
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
    return "cli:uid \(getuid())"
}
