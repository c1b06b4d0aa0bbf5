import Foundation
import KioskCore
import KioskDevices

/// Reads and checks the installation's TOML file. Relative paths in it are relative to the
/// file's own folder.
public enum ConfigLoader {
    public static func load(file: String) throws(ConfigError) -> KioskConfig {
        let text: String
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int, size > TOMLParser.maxBytes {
            throw ConfigError(file: file, line: 0, key: "", message: "the file is \(size / 1024) KiB: a configuration is a few KiB (at most \(TOMLParser.maxBytes / 1024))")
        }
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigError(file: file, line: 0, key: "", message: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        return try parse(text, file: file)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> KioskConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.line, key: "", message: error.message)
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : folder.appendingPathComponent(path).standardizedFileURL.path
        }

        let top = TableReader(root, path: "", file: file)
        guard let centre = try top.table("centre") else { throw top.error("centre", "missing: the file needs a [centre] section with name = \"...\"") }
        let centreName = try centre.string("name")
        let zoneName = try centre.string("time_zone", default: "Asia/Ho_Chi_Minh")
        guard let timeZone = TimeZone(identifier: zoneName) else {
            throw centre.error("time_zone", "\(zoneName) is not a time zone name (like Asia/Ho_Chi_Minh)")
        }
        var centreCode: String?
        if centre.has("code") {
            let code = try centre.string("code")
            guard (1...32).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw centre.error("code", "\(code) is not a centre code: 1 to 32 letters, digits, dots, dashes (like 26.0101 or XA-DONG-SON)")
            }
            centreCode = code
        }
        try centre.finish()

        var province: ProvinceSettings?
        if let t = try top.table("province") {
            let url = try t.string("url")
            let server: ProvinceServerAddress
            do {
                server = try ProvinceServerAddress(url)
            } catch {
                throw t.error("url", error.description)
            }
            if server.password != nil {
                throw t.error("url", "holds a password: put it in a file only the daemon reads, and name it in password_file")
            }
            guard centreCode != nil else {
                throw centre.error("code", "missing: a box that reports to the province needs its centre's code (code = \"26.0101\")")
            }
            var settings = ProvinceSettings(server: server, passwordFile: t.has("password_file") ? resolve(try t.string("password_file")) : nil)
            if t.has("ca_file") {
                guard server.tls == .verifyFull else { throw t.error("ca_file", "is for TLS: the url says sslmode=disable") }
                settings.server.caFile = resolve(try t.string("ca_file"))
            } else if let file = server.caFile {
                settings.server.caFile = resolve(file)
            }
            settings.batchSize = try t.int("batch", default: settings.batchSize, in: 1...50_000)
            settings.intervalSeconds = try t.int("interval_seconds", default: settings.intervalSeconds, in: 1...3600)
            settings.maxBackoffSeconds = try t.int("max_backoff_seconds", default: settings.maxBackoffSeconds, in: 1...3600)
            settings.answerSeconds = try t.int("answer_seconds", default: settings.answerSeconds, in: 1...3600)
            try t.finish()
            province = settings
        }

        let database = try top.table("database")
        let databasePath = resolve(try database?.string("path") ?? "kiosk.sqlite")
        let databaseMaxMB = database?.has("max_size_mb") == true ? try database?.int("max_size_mb", in: 1...1_000_000) : nil
        try database?.finish()

        let httpTable = try top.table("http")
        let bind = try httpTable?.string("bind", default: "127.0.0.1:8080") ?? "127.0.0.1:8080"
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]), (1...65535).contains(port),
              !bind[..<colon].isEmpty else {
            throw httpTable!.error("bind", "\(bind) is not host:port (like 127.0.0.1:8080)")
        }
        var http = HTTPSettings(host: String(bind[..<colon]), port: port)
        if let t = httpTable {
            http.maxConnections = try t.int("max_connections", default: http.maxConnections, in: 8...10_000)
            http.maxConnectionsPerAddress = try t.int("max_connections_per_address", default: http.maxConnectionsPerAddress,
                                                      in: 2...http.maxConnections)
            http.maxDisplayClients = try t.int("max_display_clients", default: http.maxDisplayClients, in: 1...http.maxConnections)
            http.idleSeconds = try t.int("idle_seconds", default: http.idleSeconds, in: 1...3600)
            http.metricsAddresses = try t.strings("metrics_addresses", default: http.metricsAddresses)
            http.ticketsPerService = try t.int("tickets_per_service", default: http.ticketsPerService, in: 1...1000)
            http.ticketsOverall = try t.int("tickets_overall", default: http.ticketsOverall, in: 1...10_000)
            http.ticketWindowSeconds = try t.int("ticket_window_seconds", default: http.ticketWindowSeconds, in: 1...3600)
            if t.has("tls_certificate") || t.has("tls_key") {
                guard t.has("tls_certificate") else { throw t.error("tls_key", "needs tls_certificate (the certificate chain, PEM) beside it") }
                guard t.has("tls_key") else { throw t.error("tls_certificate", "needs tls_key (its private key, PEM) beside it") }
                let certificate = resolve(try t.string("tls_certificate")), key = resolve(try t.string("tls_key"))
                for (name, file) in [("tls_certificate", certificate), ("tls_key", key)] where !FileManager.default.isReadableFile(atPath: file) {
                    throw t.error(name, "cannot read \(file)")
                }
                let tlsBind = try t.string("tls_bind", default: "\(http.host):8443")
                guard let colon = tlsBind.lastIndex(of: ":"), let port = Int(tlsBind[tlsBind.index(after: colon)...]), (1...65535).contains(port),
                      !tlsBind[..<colon].isEmpty, port != http.port else {
                    throw t.error("tls_bind", "\(tlsBind) is not host:port on another port than bind (like 0.0.0.0:8443)")
                }
                http.tls = .init(host: String(tlsBind[..<colon]), port: port, certificate: certificate, key: key)
            } else if t.has("tls_bind") {
                throw t.error("tls_bind", "needs tls_certificate and tls_key")
            }
        }
        try httpTable?.finish()

        var accounts = AccountSettings()
        if let t = try top.table("accounts") {
            accounts.bcryptCost = try t.int("bcrypt_cost", default: accounts.bcryptCost, in: 8...14)
            accounts.sessionHours = try t.int("session_hours", default: accounts.sessionHours, in: 1...24 * 7)
            accounts.lockAfterFailures = try t.int("lock_after_failures", default: accounts.lockAfterFailures, in: 3...100)
            accounts.failuresPerAddress = try t.int("failures_per_address", default: accounts.failuresPerAddress, in: 5...1000)
            accounts.actionsPerMinute = try t.int("actions_per_minute", default: accounts.actionsPerMinute, in: 5...10_000)
            accounts.actionsPerAddressPerMinute = try t.int("actions_per_address_per_minute",
                                                            default: accounts.actionsPerAddressPerMinute, in: 5...10_000)
            try t.finish()
        }

        var backup: BackupSettings?
        if let t = try top.table("backup") {
            let time = try t.string("time", default: "22:00")
            let parts = time.split(separator: ":").map { Int($0) }
            guard parts.count == 2, let h = parts[0], let m = parts[1], (0...23).contains(h), (0...59).contains(m) else {
                throw t.error("time", "\(time) is not a time of day: write it as HH:MM (22:00)")
            }
            backup = BackupSettings(folder: resolve(try t.string("folder")), minuteOfDay: h * 60 + m,
                                    keep: try t.int("keep", default: 14, in: 1...3650))
            try t.finish()
        }

        var officerPhotos: String?
        if let t = try top.table("display") {
            officerPhotos = t.has("photos") ? resolve(try t.string("photos")) : nil
            try t.finish()
        }

        let control = try top.table("control")
        let controlSocket = resolve(try control?.string("socket", default: "/run/kiosk/control.sock") ?? "/run/kiosk/control.sock")
        try control?.finish()

        let services = try readServices(top)
        let counters = try readCounters(top, services: services)
        let (policy, recallLimit) = try readQueue(top)
        let (scale, window, thanks, vote, burst, handover, reasons) = try readRating(top)
        var rules = QueueRules(services: services, counters: counters, priorityPolicy: policy, recallLimit: recallLimit,
                               ratingScale: scale, ratingWindow: window, timeZone: timeZone)
        rules.ratingVote = vote
        rules.ratingBurst = burst
        rules.ratingHandover = handover
        rules.ratingReasons = reasons

        var printer: PrinterSettings?
        if let p = try top.table("printer") {
            printer = try readPrinter(p, resolve: resolve)
            try p.finish()
        }

        let ticketTable = try top.table("ticket")
        let ticket = TicketLayout(
            title: try ticketTable?.string("title", default: "PHIẾU SỐ THỨ TỰ") ?? "PHIẾU SỐ THỨ TỰ",
            footer: try ticketTable?.strings("footer", default: Self.defaultFooter) ?? Self.defaultFooter,
            qrURL: ticketTable?.has("qr_url") == true ? try ticketTable?.string("qr_url") : nil)
        // A phone reads a small code at a glance; 300 bytes is far more than a URL needs.
        if let url = ticket.qrURL, url.utf8.count > 300, let ticketTable {
            throw ticketTable.error("qr_url", "is \(url.utf8.count) bytes: a ticket's QR code should hold a short link (at most 300 bytes)")
        }
        try ticketTable?.finish()

        let keypads = try readKeypads(top, services: services, counters: counters, scale: scale, reasons: reasons, resolve: resolve)
        var voice: VoiceSettings?
        if let v = try top.table("voice") {
            let output: VoiceSettings.Output
            if v.has("command") {
                output = .command(try v.string("command"))
            } else if v.has("directory") {
                output = .directory(resolve(try v.string("directory")), keep: try v.int("keep_files", default: 100, in: 1...100_000))
            } else {
                throw v.error("command", "missing: give command = \"aplay -q {file}\" to play, or directory = \"...\" to write WAV files")
            }
            let name = try v.string("voice", default: "vi")
            guard ["vi", "vi-vn-x-central", "vi-vn-x-south"].contains(name) else {
                throw v.error("voice", "\(name) is not a Vietnamese voice: use vi, vi-vn-x-central or vi-vn-x-south")
            }
            if v.has("clips") {
                let folder = resolve(try v.string("clips"))
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                    throw v.error("clips", "\(folder) is not a folder of WAV clips")
                }
            }
            voice = VoiceSettings(voice: name, speed: try v.int("speed", default: 140, in: 80...300),
                                  wording: try v.string("wording", default: VoiceSettings.defaultWording),
                                  chime: try v.bool("chime", default: true), output: output,
                                  clips: v.has("clips") ? resolve(try v.string("clips")) : nil)
            try v.finish()
        }
        if thanks.reasonSpoken, let reasons {
            voice?.reasonQuestion = thanks.reasonPrompt + ". "
                + reasons.labels.enumerated().map { "Phím \($0.offset + 1): \($0.element)." }.joined(separator: " ")
        }
        let longestNumber = services.map { $0.display(number: $0.lastNumber) }.max { $0.utf8.count < $1.utf8.count } ?? ""
        let boards = try readBoards(top, counters: counters, longestTexts: [longestNumber, thanks.board] + (reasons == nil ? [] : [thanks.reasonBoard]),
                                    resolve: resolve)
        try top.finish()
        var config = KioskConfig(file: file, centreName: centreName, rules: rules, databasePath: databasePath, http: http,
                                 controlSocket: controlSocket, printer: printer, ticket: ticket, keypads: keypads,
                                 thanks: thanks, boards: boards, voice: voice)
        config.databaseMaxMB = databaseMaxMB
        config.accounts = accounts
        config.backup = backup
        config.officerPhotos = officerPhotos
        config.centreCode = centreCode
        config.province = province
        return config
    }

    /// `[[boards]]`: a preset protocol, with any part of it overridden.
    private static func readBoards(_ top: TableReader, counters: [CounterDefinition], longestTexts: [String],
                                   resolve: (String) -> String) throws(ConfigError) -> [BoardSettings] {
        var boards: [BoardSettings] = []
        for t in try top.tables("boards") {
            let counter = CounterNumber(try t.int("counter", in: 1...999))
            guard counters.contains(where: { $0.number == counter }) else { throw t.error("counter", "no counter \(counter) is defined in [[counters]]") }
            let presetName = try t.string("preset", default: "soh-07")
            guard var format = LEDFrameFormat.presets[presetName] else {
                throw t.error("preset", "\(presetName) is not a board protocol: use one of \(LEDFrameFormat.presets.keys.sorted().joined(separator: ", "))")
            }
            if t.has("prefix") { format.prefix = try t.ints("prefix", in: 0...255).map { UInt8($0) } }
            if t.has("suffix") { format.suffix = try t.ints("suffix", in: 0...255).map { UInt8($0) } }
            if t.has("separator") { format.separator = Array(try t.string("separator").utf8) }
            if t.has("payload") { format.payload = try t.string("payload") }
            if t.has("encoding") {
                let name = try t.string("encoding")
                guard let encoding = LEDFrameFormat.TextEncoding(rawValue: name) else {
                    throw t.error("encoding", "\(name) is not a board encoding: use ascii or utf-8")
                }
                format.encoding = encoding
            }
            if t.has("address_encoding") {
                switch try t.string("address_encoding") {
                case "binary": format.address = .binary
                case "ascii": format.address = .ascii(width: try t.int("address_width", default: 3, in: 1...6))
                case "none": format.address = .none
                default: throw t.error("address_encoding", "use binary, ascii or none")
                }
            }
            if t.has("checksum") {
                let name = try t.string("checksum")
                guard let kind = LEDFrameFormat.Checksum(rawValue: name) else {
                    throw t.error("checksum", "\(name) is not a checksum: use one of \(LEDFrameFormat.Checksum.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                format.checksum = kind
            }
            format.checksumIncludesPrefix = try t.bool("checksum_includes_prefix", default: format.checksumIncludesPrefix)
            format.gapMilliseconds = try t.int("gap_ms", default: format.gapMilliseconds, in: 0...5000)
            let baud = try t.int("baud", default: 9600, in: 1200...115200)
            guard SerialPort.supportedBauds[baud] != nil else { throw t.error("baud", "\(baud) is not a serial speed") }
            let address = try t.int("address", default: 1, in: 0...999)
            if case .binary = format.address, address > 255 {
                throw t.error("address", "\(address) does not fit the one byte a binary address has (0–255)")
            }
            // The longest text the board will be sent (a number of the longest service, or the thanks) must fit its frame.
            for text in longestTexts {
                if let problem = format.problem(address: address, number: text, counter: counter.rawValue, text: text) {
                    throw t.error(format.modbusFunction16 && !t.has("payload") ? "preset" : "payload", problem)
                }
            }
            boards.append(BoardSettings(counter: counter, port: resolve(try t.string("port")), address: address,
                                        baud: baud, format: format, refreshSeconds: try t.int("refresh_seconds", default: 30, in: 1...3600)))
            try t.finish()
        }
        return boards
    }

    public static let defaultFooter = ["Vui lòng giữ phiếu và chờ gọi số.", "Xin cảm ơn!"]

    /// The printer: a built-in profile, with any of its values overridden.
    private static func readPrinter(_ p: TableReader, resolve: (String) -> String) throws(ConfigError) -> PrinterSettings {
        let profileName = try p.string("profile", default: "xprinter-80")
        guard var profile = PrinterProfile.named(profileName) else {
            throw p.error("profile", "\(profileName) is not a printer profile: use one of \(PrinterProfile.builtIn.map(\.name).joined(separator: ", "))")
        }
        if p.has("width_dots") { profile.widthDots = try p.int("width_dots", in: 128...1024) }
        if p.has("text") {
            let text = try p.string("text")
            guard let mode = PrinterProfile.TextMode(rawValue: text) else {
                throw p.error("text", "\(text) is not a text mode: use one of \(PrinterProfile.TextMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            profile.textMode = mode
        }
        if p.has("code_pages") {
            let pages = try p.ints("code_pages", in: 0...255)
            guard pages.count == 2 else { throw p.error("code_pages", "give two pages: lower case, then capitals (Epson: [30, 31])") }
            profile.tcvn3Pages = pages.map { UInt8($0) }
        }
        profile.cancelChineseMode = try p.bool("cancel_chinese_mode", default: profile.cancelChineseMode)
        if p.has("cut") {
            let cut = try p.string("cut")
            guard let kind = EscPosDocument.Cut(rawValue: cut) else {
                throw p.error("cut", "\(cut) is not a cut: use partial, full or none")
            }
            profile.cut = kind
        }
        profile.answersStatus = try p.bool("status_queries", default: profile.answersStatus)
        if p.has("qr") {
            let qr = try p.string("qr")
            guard let mode = PrinterProfile.QRMode(rawValue: qr) else {
                throw p.error("qr", "\(qr) is not a QR mode: use native (the printer draws it) or raster (sent as an image)")
            }
            profile.qr = mode
        }
        let baud = try p.int("baud", default: 9600, in: 1200...115200)
        guard SerialPort.supportedBauds[baud] != nil else {
            throw p.error("baud", "\(baud) is not a serial speed: use one of \(SerialPort.supportedBauds.keys.sorted().map(String.init).joined(separator: ", "))")
        }
        let failure = try p.string("on_failure", default: "refuse")
        guard let policy = PrintFailurePolicy(rawValue: failure) else {
            throw p.error("on_failure", "\(failure) is not a policy: use refuse or issue-and-flag")
        }
        let path = try p.string("path")
        return PrinterSettings(path: path.hasPrefix("tcp://") ? path : resolve(path), baud: baud,
                               rtsCts: try p.bool("rts_cts", default: false), profile: profile, onFailure: policy,
                               deadlineSeconds: try p.int("deadline_seconds", default: 5, in: 1...120))
    }

    private static func readServices(_ top: TableReader) throws(ConfigError) -> [ServiceDefinition] {
        let tables = try top.tables("services")
        guard !tables.isEmpty else { throw top.error("services", "missing: add at least one [[services]] section") }
        var services: [ServiceDefinition] = []
        for t in tables {
            let code = try t.string("code")
            guard code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), code.count <= 8 else {
                throw t.error("code", "\(code) must be up to 8 plain letters or digits (like A or HT)")
            }
            if services.contains(where: { $0.code.rawValue == code }) { throw t.error("code", "service \(code) is defined twice") }
            let first = try t.int("first_number", default: 1, in: 0...99_999)
            let last = try t.int("last_number", default: 999, in: 0...99_999)
            guard first <= last else { throw t.error("last_number", "must not be below first_number (\(first))") }
            let prefix = t.has("prefix") ? try t.string("prefix") : ""
            // The number goes to displays, LED boards, the voice, file names and one-line requests ("call 3 A015").
            guard prefix.count <= 3, prefix.allSatisfy({ ("A"..."Z").contains($0) || $0 == "Đ" }) else {
                throw t.error("prefix", "\(prefix) must be up to 3 capital letters (A to Z, or Đ), like A or HT")
            }
            services.append(ServiceDefinition(code: ServiceCode(code), name: try t.string("name"), prefix: prefix,
                                              firstNumber: first, lastNumber: last))
            try t.finish()
        }
        return services
    }

    private static func readCounters(_ top: TableReader, services: [ServiceDefinition]) throws(ConfigError) -> [CounterDefinition] {
        let tables = try top.tables("counters")
        guard !tables.isEmpty else { throw top.error("counters", "missing: add at least one [[counters]] section") }
        var counters: [CounterDefinition] = []
        for t in tables {
            let number = CounterNumber(try t.int("number", in: 1...999))
            if counters.contains(where: { $0.number == number }) { throw t.error("number", "counter \(number) is defined twice") }
            let codes = try t.strings("services")
            guard !codes.isEmpty else { throw t.error("services", "a counter must serve at least one service") }
            for code in codes where !services.contains(where: { $0.code.rawValue == code }) {
                throw t.error("services", "no service has the code \(code) (known: \(services.map(\.code.rawValue).joined(separator: ", ")))")
            }
            let name = t.has("name") ? try t.string("name") : nil
            counters.append(CounterDefinition(number: number, name: name, services: codes.map { ServiceCode($0) }))
            try t.finish()
        }
        return counters
    }

    private static func readQueue(_ top: TableReader) throws(ConfigError) -> (PriorityPolicy, Int) {
        guard let t = try top.table("queue") else { return (.interleave(normalCalls: 3), 3) }
        let policyName = try t.string("priority_policy", default: "interleave")
        let policy: PriorityPolicy
        switch policyName {
        case "strict": policy = .strict
        case "interleave": policy = .interleave(normalCalls: try t.int("normal_calls_per_priority", default: 3, in: 1...100))
        default: throw t.error("priority_policy", "\(policyName) is not a policy: use \"strict\" or \"interleave\"")
        }
        let recallLimit = try t.int("recall_limit", default: 3, in: 0...20)
        try t.finish()
        return (policy, recallLimit)
    }

    private static func readRating(_ top: TableReader) throws(ConfigError)
        -> (RatingScale, TimeInterval, ThanksSettings, RatingVote, RatingBurst?, TimeInterval, RatingReasons?) {
        let defaultBurst = RatingBurst(presses: 4, seconds: 3)
        let defaultHandover: TimeInterval = 30
        guard let t = try top.table("rating") else { return (.threeLevels, 120, ThanksSettings(), .first, defaultBurst, defaultHandover, nil) }
        let labels = try t.strings("levels", default: RatingScale.threeLevels.levels.map(\.label))
        guard (2...7).contains(labels.count) else { throw t.error("levels", "a scale has 2 to 7 levels, best first") }
        let defaultSatisfied = labels.count == 3 ? 2 : labels.count / 2
        let satisfied = try t.int("satisfied_levels", default: defaultSatisfied, in: 1...labels.count - 1)
        let window = try t.int("link_window_seconds", default: 120, in: 0...3600)
        let handover = try t.int("handover_seconds", default: Int(defaultHandover), in: 0...600)
        var thanks = ThanksSettings()
        thanks.message = try t.string("thanks", default: thanks.message)
        thanks.board = try t.string("board_thanks", default: thanks.board)
        thanks.seconds = try t.int("thanks_seconds", default: thanks.seconds, in: 1...60)
        let voteName = try t.string("vote", default: "first")
        let vote: RatingVote
        switch voteName {
        case "first": vote = .first
        case "last": vote = .last(correction: TimeInterval(try t.int("correction_seconds", default: 10, in: 1...120)))
        default: throw t.error("vote", "\(voteName) is not a vote rule: use first, or last (with correction_seconds)")
        }
        let burstPresses = try t.int("burst_presses", default: defaultBurst.presses, in: 0...100)
        let burstSeconds = try t.int("burst_seconds", default: Int(defaultBurst.seconds), in: 1...600)
        let scale = RatingScale(levels: labels.enumerated().map { RatingLevel(label: $0.element, satisfied: $0.offset < satisfied) })
        var reasons: RatingReasons?
        if t.has("reasons") {
            let texts = try t.strings("reasons")
            guard (1...9).contains(texts.count) else { throw t.error("reasons", "give 1 to 9 short reasons, as the keypad's keys number them") }
            // By default the levels that do not count as satisfied ask ("Không hài lòng").
            let asking = t.has("reason_levels") ? try t.ints("reason_levels", in: 1...labels.count) : Array(satisfied + 1...labels.count)
            reasons = RatingReasons(labels: texts, askLevels: Set(asking),
                                    seconds: TimeInterval(try t.int("reason_seconds", default: 20, in: 3...300)))
            thanks.reasonPrompt = try t.string("reason_prompt", default: thanks.reasonPrompt)
            thanks.reasonBoard = try t.string("board_reason", default: thanks.reasonBoard)
            thanks.reasonSpoken = try t.bool("reason_voice", default: false)
        }
        try t.finish()
        return (scale, TimeInterval(window), thanks, vote,
                burstPresses == 0 ? nil : RatingBurst(presses: burstPresses, seconds: TimeInterval(burstSeconds)), TimeInterval(handover),
                reasons)
    }

    private static func readKeypads(_ top: TableReader, services: [ServiceDefinition], counters: [CounterDefinition],
                                    scale: RatingScale, reasons: RatingReasons?, resolve: (String) -> String) throws(ConfigError) -> [KeypadSettings] {
        var keypads: [KeypadSettings] = []
        for t in try top.tables("keypads") {
            let name = try t.string("name")
            if keypads.contains(where: { $0.name == name }) { throw t.error("name", "two keypads are named \(name)") }
            let locator: InputLocator
            if t.has("path") {
                locator = .path(resolve(try t.string("path")))
            } else if t.has("match_name") || t.has("match_phys") || t.has("match_uniq") {
                locator = .match(name: t.has("match_name") ? try t.string("match_name") : nil,
                                 phys: t.has("match_phys") ? try t.string("match_phys") : nil,
                                 uniq: t.has("match_uniq") ? try t.string("match_uniq") : nil)
            } else {
                throw t.error("path", "missing: give path = \"/dev/input/by-path/...\" (see `kiosk devices`), or match_name, match_phys or match_uniq")
            }
            let grab = try t.bool("grab", default: true)
            var filter = PressFilter.Settings(debounce: Double(try t.int("debounce_ms", default: 50, in: 0...2000)) / 1000)
            let role = try t.string("role")
            if role == "kiosk" {
                filter.limit = try t.int("rate_limit_presses", default: 3, in: 1...100)
                filter.window = Double(try t.int("rate_limit_seconds", default: 20, in: 1...3600))
            }
            var names: [UInt16: String] = [:]

            /// Each key of a binding table, checked against libevdev's names.
            func bindings(_ key: String, required: Bool) throws(ConfigError) -> [(code: UInt16, entry: TOMLEntry, reader: TableReader)] {
                guard let keys = try t.table(key) else {
                    if required { throw t.error(key, "missing: add [\(t.name(key))] with lines like KEY_KP1 = ...") }
                    return []
                }
                var out: [(UInt16, TOMLEntry, TableReader)] = []
                for (keyName, entry) in keys.allEntries() {
                    guard let code = KeyNames.code(of: keyName) else {
                        throw keys.error(keyName, "\(keyName) is not a kernel key name (like KEY_KP1 or KEY_KPENTER; `kiosk devices watch` shows them)")
                    }
                    if names[code] != nil { throw keys.error(keyName, "\(keyName) is bound twice on keypad \(name)") }
                    names[code] = keyName
                    out.append((code, entry, keys))
                }
                return out
            }
            func counter() throws(ConfigError) -> CounterNumber {
                let number = CounterNumber(try t.int("counter", in: 1...999))
                guard counters.contains(where: { $0.number == number }) else {
                    throw t.error("counter", "no counter \(number) is defined in [[counters]]")
                }
                return number
            }
            func text(_ entry: TOMLEntry, _ reader: TableReader, _ key: String) throws(ConfigError) -> String {
                guard case .string(let s) = entry.value else { throw reader.error(key, "expected a string, found \(entry.value.typeName)") }
                return s
            }

            let settingsRole: KeypadSettings.Role
            switch role {
            case "kiosk":
                var keys: [UInt16: KioskKey] = [:]
                for (label, priority) in [("keys", false), ("priority_keys", true)] {
                    for (code, entry, reader) in try bindings(label, required: label == "keys") {
                        let keyName = names[code]!
                        let service = try text(entry, reader, keyName)
                        guard services.contains(where: { $0.code.rawValue == service }) else {
                            throw reader.error(keyName, "no service has the code \(service) (known: \(services.map(\.code.rawValue).joined(separator: ", ")))")
                        }
                        keys[code] = KioskKey(service: ServiceCode(service), priority: priority)
                    }
                }
                settingsRole = .kiosk(keys: keys)
            case "officer":
                let number = try counter()
                var keys: [UInt16: OfficerAction] = [:]
                for (code, entry, reader) in try bindings("keys", required: true) {
                    let keyName = names[code]!
                    let actionName = try text(entry, reader, keyName)
                    guard let action = OfficerAction(rawValue: actionName) else {
                        throw reader.error(keyName, "\(actionName) is not an officer action: use one of \(OfficerAction.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    keys[code] = action
                }
                settingsRole = .officer(counter: number, keys: keys)
            case "rating":
                let number = try counter()
                var keys: [UInt16: Int] = [:]
                for (code, entry, reader) in try bindings("keys", required: true) {
                    let keyName = names[code]!
                    // A key past the scale gives only a reason (a keypad with more keys than levels).
                    guard case .integer(let level) = entry.value, scale.level(level) != nil || reasons?.label(level) != nil else {
                        throw reader.error(keyName, "expected a rating level from 1 (\(scale.levels.first!.label)) to \(scale.count) (\(scale.levels.last!.label))"
                                           + (reasons.map { ", or a reason up to \($0.labels.count)" } ?? ""))
                    }
                    keys[code] = level
                }
                settingsRole = .rating(counter: number, keys: keys)
            case "scanner":
                // Scanners type characters a few milliseconds apart, the same one twice in "00":
                // no debounce, and no key bindings.
                filter.debounce = 0
                settingsRole = .scanner(counter: try counter(), gap: Double(try t.int("gap_ms", default: 100, in: 10...2000)) / 1000)
            default:
                throw t.error("role", "\(role) is not a keypad role: use \"kiosk\", \"officer\", \"rating\" or \"scanner\"")
            }
            try t.finish()
            keypads.append(KeypadSettings(name: name, locator: locator, grab: grab, filter: filter, role: settingsRole, keyNames: names))
        }
        return keypads
    }
}
