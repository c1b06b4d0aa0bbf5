/// An ESC/POS byte stream built command by command; sent to the printer in one write.
public struct EscPosDocument: Sendable {
    public enum Alignment: UInt8, Sendable {
        case left = 0
        case center = 1
        case right = 2
    }

    public enum Cut: String, Sendable, Equatable, CaseIterable {
        /// `GS V 66 0`: feed to the cutter, then a partial cut (most ticket printers).
        case partial
        /// `GS V 65 0`: feed to the cutter, then a full cut.
        case full
        /// No cutter: feed so the ticket can be torn off.
        case none
    }

    public enum QRErrorLevel: UInt8, Sendable {
        case low = 0x30
        case medium = 0x31
        case quartile = 0x32
        case high = 0x33
    }

    public private(set) var bytes: [UInt8] = []
    public let textEncoding: PrinterTextEncoding
    /// The TCVN-3 page selected now; unknown after `ESC @`.
    private var page: TCVN3.Page?

    public init(textEncoding: PrinterTextEncoding = .ascii) {
        self.textEncoding = textEncoding
    }

    /// `ESC @`: resets modes, and the code page, so any code page is chosen again after it.
    public mutating func initialise() {
        bytes += [0x1B, 0x40]
        page = nil
    }

    /// `FS .`: leaves the Chinese double-byte mode of Xprinter-type firmware, which would
    /// otherwise eat bytes above 0x7F in pairs.
    public mutating func cancelChineseMode() { bytes += [0x1C, 0x2E] }

    /// `ESC t n`.
    public mutating func codePage(_ n: UInt8) { bytes += [0x1B, 0x74, n] }

    /// `ESC a n`: takes effect at the start of a line.
    public mutating func align(_ alignment: Alignment) { bytes += [0x1B, 0x61, alignment.rawValue] }

    /// `ESC E n`.
    public mutating func bold(_ on: Bool) { bytes += [0x1B, 0x45, on ? 1 : 0] }

    /// `GS ! n`: width and height multipliers, 1 to 8 each.
    public mutating func size(width: Int, height: Int) {
        let w = UInt8(min(max(width, 1), 8) - 1)
        let h = UInt8(min(max(height, 1), 8) - 1)
        bytes += [0x1D, 0x21, w << 4 | h]
    }

    /// A line of text in the printer's encoding, ended by LF.
    public mutating func line(_ text: String) {
        switch textEncoding {
        case .ascii:
            bytes += PrinterTextEncoding.ascii(text)
        case .tcvn3(let lowerPage, let upperPage):
            for c in text.precomposedStringWithCanonicalMapping {
                guard let (wanted, byte) = TCVN3.encode(c) else {
                    bytes += PrinterTextEncoding.ascii(String(c))
                    continue
                }
                if let wanted, wanted != page {
                    codePage(wanted == .lower ? lowerPage : upperPage)
                    page = wanted
                }
                bytes.append(byte)
            }
        }
        bytes.append(0x0A)
    }

    /// `ESC d n`.
    public mutating func feed(lines: Int) { bytes += [0x1B, 0x64, UInt8(min(max(lines, 0), 255))] }

    public mutating func cut(_ kind: Cut) {
        switch kind {
        case .partial: bytes += [0x1D, 0x56, 0x42, 0x00]
        case .full: bytes += [0x1D, 0x56, 0x41, 0x00]
        case .none: feed(lines: 4)
        }
    }

    /// A QR code (`GS ( k`): model 2, module size in dots, error correction level.
    public mutating func qrCode(_ data: [UInt8], moduleSize: Int = 6, errorLevel: QRErrorLevel = .medium) {
        let stored = data.count + 3
        bytes += [0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, UInt8(min(max(moduleSize, 1), 16))]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, errorLevel.rawValue]
        bytes += [0x1D, 0x28, 0x6B, UInt8(stored & 0xFF), UInt8(stored >> 8), 0x31, 0x50, 0x30] + data
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]
    }

    /// `GS v 0`, in stripes of at most `stripeRows` rows, as printers with small buffers need.
    public mutating func raster(_ image: MonoBitmap, stripeRows: Int = 255) {
        let step = min(max(stripeRows, 1), 255)
        var top = 0
        while top < image.height {
            let rows = min(step, image.height - top)
            let x = image.rowBytes
            bytes += [0x1D, 0x76, 0x30, 0x00, UInt8(x & 0xFF), UInt8(x >> 8), UInt8(rows & 0xFF), UInt8(rows >> 8)]
            bytes += image.rows(top..<top + rows).bits
            top += rows
        }
    }

    /// Raw bytes, for what has no builder method.
    public mutating func append(_ raw: [UInt8]) { bytes += raw }
}

/// How native text becomes printer bytes.
public enum PrinterTextEncoding: Sendable, Equatable {
    /// Vietnamese letters lose their marks (`Chứng thực` → `Chung thuc`): readable on every printer.
    case ascii
    /// TCVN-3, switching between the printer's lower-case and capitals pages (Epson: 30 and 31).
    case tcvn3(lowerPage: UInt8, upperPage: UInt8)

    /// Decompose, drop the combining marks, map đ/Đ (which have no decomposition); anything
    /// else outside printable ASCII becomes `?`.
    static func ascii(_ text: String) -> [UInt8] {
        let plain = text.precomposedStringWithCanonicalMapping
            .decomposedStringWithCanonicalMapping.unicodeScalars
            .filter { !(0x0300...0x036F).contains($0.value) }
        return plain.map { scalar -> UInt8 in
            switch scalar {
            case "đ": return UInt8(ascii: "d")
            case "Đ": return UInt8(ascii: "D")
            default: return scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? UInt8(scalar.value) : UInt8(ascii: "?")
            }
        }
    }
}
