import KioskCore
import KioskDevices

extension BoardSettings {
    /// A preset protocol, with any part of it overridden.
    /// `[[boards]]`: each names a counter of `counters`, and must fit the longest of `longestTexts`.
    static func readAll(_ top: TableReader, counters: [CounterDefinition], longestTexts: [String]) throws(ConfigError) -> [BoardSettings] {
        var boards: [BoardSettings] = []
        for t in try top.tables("boards") {
            let counter = CounterNumber(try t.int("counter", in: 1...999))
            guard counters.contains(where: { $0.number == counter }) else {
                throw t.error("counter", "no counter \(counter) is defined in [[counters]]")
            }
            let presetName = try t.string("preset", default: "soh-07")
            guard var format = LEDFrameFormat.presets[presetName] else {
                throw t.error(
                    "preset",
                    "\(presetName) is not a board protocol: use one of \(LEDFrameFormat.presets.keys.sorted().joined(separator: ", "))")
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
                    throw t.error(
                        "checksum",
                        "\(name) is not a checksum: use one of \(LEDFrameFormat.Checksum.allCases.map(\.rawValue).joined(separator: ", "))")
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
            boards.append(
                BoardSettings(
                    counter: counter, port: try t.path("port"), address: address,
                    baud: baud, format: format, refreshSeconds: try t.int("refresh_seconds", default: 30, in: 1...3600)))
            try t.finish()
        }
        return boards
    }
}
