import KioskDevices

public struct PrinterSettings: Sendable, Equatable {
    /// `/dev/usb/lp0`, `/dev/ttyUSB0`, `tcp://192.168.1.50:9100`, or a file.
    public var path: String
    public var baud: Int
    public var rtsCts: Bool
    public var profile: PrinterProfile
    public var onFailure: PrintFailurePolicy
    /// One ticket's time, from the press to the last byte (plus the bytes' time on a serial line).
    public var deadlineSeconds = 5
}

extension PrinterSettings {
    /// The printer: a built-in profile, with any of its values overridden.
    /// `[printer]`; nil when absent (tickets are then stored, not printed).
    static func read(_ top: TableReader) throws(ConfigError) -> PrinterSettings? {
        guard let p = try top.table("printer") else { return nil }
        let profileName = try p.string("profile", default: "xprinter-80")
        guard var profile = PrinterProfile.named(profileName) else {
            throw p.error(
                "profile",
                "\(profileName) is not a printer profile: use one of \(PrinterProfile.builtIn.map(\.name).joined(separator: ", "))")
        }
        if p.has("width_dots") { profile.widthDots = try p.int("width_dots", in: 128...1024) }
        if p.has("text") {
            let text = try p.string("text")
            guard let mode = PrinterProfile.TextMode(rawValue: text) else {
                throw p.error(
                    "text",
                    "\(text) is not a text mode: use one of \(PrinterProfile.TextMode.allCases.map(\.rawValue).joined(separator: ", "))")
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
            throw p.error(
                "baud",
                "\(baud) is not a serial speed: use one of \(SerialPort.supportedBauds.keys.sorted().map(String.init).joined(separator: ", "))"
            )
        }
        let failure = try p.string("on_failure", default: "refuse")
        guard let policy = PrintFailurePolicy(rawValue: failure) else {
            throw p.error("on_failure", "\(failure) is not a policy: use refuse or issue-and-flag")
        }
        let path = try p.string("path")
        let settings = PrinterSettings(
            path: path.hasPrefix("tcp://") ? path : p.resolve(path), baud: baud,
            rtsCts: try p.bool("rts_cts", default: false), profile: profile, onFailure: policy,
            deadlineSeconds: try p.int("deadline_seconds", default: 5, in: 1...120))
        try p.finish()
        return settings
    }
}
