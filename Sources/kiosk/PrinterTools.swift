import ArgumentParser
import Foundation
import KioskDevices
import KioskService

struct TicketPreview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket-preview",
        abstract: "Render what the printer would print for a ticket as a PNG, from the ESC/POS bytes themselves.")

    @OptionGroup var options: ConfigOption
    @Option(help: "The PNG to write.") var out: String
    @Option(help: "A built-in profile instead of the config's printer.") var profile: String?

    func run() throws {
        let config = try loadConfig(options.config)
        let chosen = try printerProfile(profile, config: config)
        let renderer = try TicketRenderer(config: config, profile: chosen)
        let bytes = TestPrint.sampleTicket(config, renderer: renderer)
        let elements = try EscPosDecoder(tcvn3Pages: chosen.tcvn3Pages).decode(bytes)
        let paper = PaperPreview.render(elements, width: chosen.widthDots, rasterizer: try TextRasterizer())
        try PNGWriter.png(paper).write(to: URL(fileURLWithPath: out))
        print(
            "\(out): \(chosen.name) (\(chosen.widthDots) dots, \(chosen.textMode.rawValue)), \(bytes.count) bytes of ESC/POS, \(paper.height) dots long"
        )
    }
}

struct PrintTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-test",
        abstract: "Print a chart of the Vietnamese letters on a printer, to check a profile before installing.")

    @Option(help: "A built-in profile: \(PrinterProfile.builtIn.map(\.name).joined(separator: ", ")).")
    var profile = "xprinter-80"
    @Option(help: "Serial speed, for serial printers.") var baud = 9600
    @Argument(help: "The printer: /dev/usb/lp0, /dev/ttyUSB0, or a file.") var device: String

    func run() throws {
        let chosen = try printerProfile(profile, config: nil)
        let bytes = TestPrint.chart(profile: chosen, rasterizer: chosen.textMode == .raster ? try TextRasterizer() : nil)
        try DevicePathPrinter(path: device, baud: baud).send(bytes)
        print("sent \(bytes.count) bytes to \(device) (\(chosen.name), \(chosen.textMode.rawValue))")
    }
}

/// A built-in profile by name, or the config's printer profile.
func printerProfile(_ name: String?, config: KioskConfig?) throws -> PrinterProfile {
    if let name {
        guard let found = PrinterProfile.named(name) else {
            throw ValidationError("--profile \(name): use one of \(PrinterProfile.builtIn.map(\.name).joined(separator: ", "))")
        }
        return found
    }
    guard let profile = config?.printer?.profile else { throw ValidationError("the config has no [printer]: name one with --profile") }
    return profile
}

struct Reprint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print today's ticket with this number again (after a printer failure); the daemon must run.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "The ticket's number, e.g. A015.") var number: String

    func run() throws { try send("reprint \(number)", options) }
}

struct ReadPrint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-print",
        abstract: "Show the text of ESC/POS bytes captured from a printer port or a file printer, line by line.")

    @Option(help: "The profile whose code pages the bytes use (for TCVN-3 text).") var profile = "epson-tm-t82"
    @Argument(help: "A file of ESC/POS bytes, as the daemon sent them.") var file: String

    func run() throws {
        let chosen = try printerProfile(profile, config: nil)
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        for element in try EscPosDecoder(tcvn3Pages: chosen.tcvn3Pages).decode(Array(data)) {
            switch element {
            case .text(let line): print(line.text)
            case .image(let bitmap): print("[image \(bitmap.width)×\(bitmap.height)]")
            case .qrCode(let content): print("[QR \(content)]")
            case .feed(let lines): print("[feed \(lines)]")
            case .cut: print("[cut]")
            }
        }
    }
}

struct VoidTicket: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract:
            "Take today's waiting ticket with this number out of the queue (a ticket nobody holds, e.g. print unknown); the daemon must run."
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "Why, for the record.") var reason: String?
    @Argument(help: "The ticket's number, e.g. A015.") var number: String

    func run() throws { try send("void \(number)" + (reason.map { " " + $0 } ?? ""), options) }
}
