/// What differs between the printers centres buy: paper width, how Vietnamese gets onto
/// paper, the cutter, whether the printer answers status queries. Model facts belong here,
/// not in code paths.
public struct PrinterProfile: Sendable, Equatable {
    public enum TextMode: String, Sendable, CaseIterable {
        /// Text in TCVN-3 on the printer's own fonts: small and fast, needs the code pages.
        case tcvn3
        /// Text drawn into images with a Vietnamese font: right on every printer, 20–40 KB a ticket.
        case raster
        /// Text without its marks: the fallback that prints anywhere.
        case ascii
    }

    public enum QRMode: String, Sendable, CaseIterable {
        /// `GS ( k`: the printer draws the code itself; a few bytes.
        case native
        /// Encoded here (libqrencode) and sent as an image: for printers without QR support.
        case raster
    }

    public var name: String
    /// Printable width in dots: 576 on most 80 mm printers, 512 on the Epson TM-T88, 384 on 58 mm.
    public var widthDots: Int
    public var textMode: TextMode
    /// The code pages holding TCVN-3 lower case and capitals (Epson: 30 and 31).
    public var tcvn3Pages: [UInt8]
    /// Whether to send `FS .` after initialising (Xprinter-type firmware starts in Chinese mode).
    public var cancelChineseMode: Bool
    public var cut: EscPosDocument.Cut
    /// Whether the printer answers `DLE EOT` status queries; many cheap ones never do.
    public var answersStatus: Bool
    public var qr: QRMode

    public init(
        name: String, widthDots: Int, textMode: TextMode, tcvn3Pages: [UInt8] = [30, 31],
        cancelChineseMode: Bool, cut: EscPosDocument.Cut = .partial, answersStatus: Bool, qr: QRMode = .native
    ) {
        self.name = name
        self.widthDots = widthDots
        self.textMode = textMode
        self.tcvn3Pages = tcvn3Pages
        self.cancelChineseMode = cancelChineseMode
        self.cut = cut
        self.answersStatus = answersStatus
        self.qr = qr
    }

    /// The encoding of native text for this printer (raster profiles still print a few
    /// ASCII lines natively).
    public var textEncoding: PrinterTextEncoding {
        textMode == .tcvn3 ? .tcvn3(lowerPage: tcvn3Pages[0], upperPage: tcvn3Pages[1]) : .ascii
    }

    public static let builtIn: [PrinterProfile] = [
        PrinterProfile(name: "epson-tm-t88", widthDots: 512, textMode: .tcvn3, cancelChineseMode: false, answersStatus: true),
        PrinterProfile(name: "epson-tm-t82", widthDots: 576, textMode: .tcvn3, cancelChineseMode: false, answersStatus: true),
        // Xprinter's "Vietnam" page is unverified: raster is the safe default.
        PrinterProfile(name: "xprinter-80", widthDots: 576, textMode: .raster, cancelChineseMode: true, answersStatus: true),
        // Many 58 mm printers ignore `GS ( k`: the code goes as an image.
        PrinterProfile(name: "generic-58", widthDots: 384, textMode: .raster, cancelChineseMode: true, answersStatus: false, qr: .raster),
    ]

    public static func named(_ name: String) -> PrinterProfile? {
        builtIn.first { $0.name == name }
    }
}
