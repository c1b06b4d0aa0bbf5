import Foundation
import KioskCore

/// Reads and checks the installation's TOML file. Relative paths in it are relative to the
/// file's own folder.
public enum ConfigLoader {
    public static func load(file: String) throws(ConfigError) -> KioskConfig {
        let text: String
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int, size > TOMLParser.maxBytes {
            throw ConfigError(
                file: file, line: 0, key: "",
                message: "the file is \(size / 1024) KiB: a configuration is a few KiB (at most \(TOMLParser.maxBytes / 1024))")
        }
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(file: file, line: 0, key: "", message: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        return try parse(text, file: file)
    }

    /// The file's sections, each read by the reader beside its settings type (`Sections/`),
    /// in an order where a section that names another's (a counter's services, a keypad's
    /// counter) comes after it.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> KioskConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.line, key: "", message: error.message)
        }
        let top = TableReader(root, path: "", file: file)
        let centreTable = try CentreSettings.table(top)
        let centre = try CentreSettings.read(centreTable)
        let province = try ProvinceSettings.read(top, centre: centre, centreTable: centreTable)
        let database = try DatabaseSettings.read(top)
        let http = try HTTPSettings.read(top)
        let accounts = try AccountSettings.read(top)
        let backup = try BackupSettings.read(top)
        var officerPhotos: String?
        if let t = try top.table("display") {
            officerPhotos = try t.optionalPath("photos")
            try t.finish()
        }
        let control = try top.table("control")
        let controlSocket = try control?.path("socket", default: defaultControlSocket) ?? defaultControlSocket
        try control?.finish()

        let services = try ServiceDefinition.readAll(top)
        let counters = try CounterDefinition.readAll(top, services: services)
        var rules = QueueRules(services: services, counters: counters, timeZone: centre.timeZone)
        try rules.readQueueSection(top)
        let thanks = try rules.readRatingSection(top)
        let printer = try PrinterSettings.read(top)
        let ticket = try TicketLayout.read(top)
        let keypads = try KeypadSettings.readAll(
            top, services: services, counters: counters, scale: rules.ratingScale,
            reasons: rules.ratingReasons)
        let reasonQuestion = rules.ratingReasons.flatMap { reasons in
            thanks.reasonSpoken
                ? thanks.reasonPrompt + ". "
                    + reasons.labels.enumerated().map { "Phím \($0.offset + 1): \($0.element)." }.joined(separator: " ") : nil
        }
        let voice = try VoiceSettings.read(top, reasonQuestion: reasonQuestion)
        // The longest text a board is sent (a number of the longest service, the thanks) must fit its frame.
        let longestNumber = services.map { $0.display(number: $0.lastNumber) }.max { $0.utf8.count < $1.utf8.count } ?? ""
        let boards = try BoardSettings.readAll(
            top, counters: counters,
            longestTexts: [longestNumber, thanks.board] + (rules.ratingReasons == nil ? [] : [thanks.reasonBoard]))
        try top.finish()
        var config = KioskConfig(
            file: file, centreName: centre.name, rules: rules, databasePath: database.path, http: http,
            controlSocket: controlSocket, printer: printer, ticket: ticket, keypads: keypads,
            thanks: thanks, boards: boards, voice: voice)
        config.databaseMaxMB = database.maxSizeMB
        config.accounts = accounts
        config.backup = backup
        config.officerPhotos = officerPhotos
        config.centreCode = centre.code
        config.province = province
        return config
    }

    public static let defaultControlSocket = "/run/kiosk/control.sock"
}
