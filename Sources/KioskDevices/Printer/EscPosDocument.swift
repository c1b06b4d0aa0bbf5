/// An ESC/POS byte stream built command by command; sent to the printer in one write.
public struct EscPosDocument: Sendable {
    public enum Alignment: UInt8, Sendable {
        case left = 0, center = 1, right = 2
    }

    public private(set) var bytes: [UInt8] = []
    public let textEncoding: PrinterTextEncoding

    public init(textEncoding: PrinterTextEncoding = .ascii) {
        self.textEncoding = textEncoding
    }

    /// `ESC @`: resets modes (and the code page, so any code page is chosen after it).
    public mutating func initialise() { bytes += [0x1B, 0x40] }

    /// `ESC a n`: takes effect at the start of a line.
    public mutating func align(_ alignment: Alignment) { bytes += [0x1B, 0x61, alignment.rawValue] }

    /// `ESC E n`.
    public mutating func bold(_ on: Bool) { bytes += [0x1B, 0x45, on ? 1 : 0] }

    /// `GS ! n`: width and height multipliers, 1 to 8 each.
    public mutating func size(width: Int, height: Int) {
        let w = UInt8(min(max(width, 1), 8) - 1), h = UInt8(min(max(height, 1), 8) - 1)
        bytes += [0x1D, 0x21, w << 4 | h]
    }

    /// A line of text in the printer's encoding, ended by LF.
    public mutating func line(_ text: String) {
        bytes += textEncoding.encode(text)
        bytes.append(0x0A)
    }

    /// `ESC d n`.
    public mutating func feed(lines: Int) { bytes += [0x1B, 0x64, UInt8(min(max(lines, 0), 255))] }

    /// `GS V 66 0`: feed to the cutter, then a partial cut.
    public mutating func feedAndCut() { bytes += [0x1D, 0x56, 0x42, 0x00] }
}

/// How text becomes printer bytes. Only ASCII for now: Vietnamese code pages (TCVN-3) and
/// raster text come with the printing work, behind this same seam.
public enum PrinterTextEncoding: String, Sendable, CaseIterable {
    /// Vietnamese letters lose their marks (`Chứng thực` → `Chung thuc`): readable on every printer.
    case ascii

    public func encode(_ text: String) -> [UInt8] {
        switch self {
        case .ascii:
            // Decompose, drop the combining marks, map đ/Đ (which have no decomposition).
            let plain = text.precomposedStringWithCanonicalMapping
                .decomposedStringWithCanonicalMapping.unicodeScalars
                .filter { !(0x0300...0x036F).contains($0.value) }
            return plain.map { scalar -> UInt8 in
                switch scalar {
                case "đ": return UInt8(ascii: "d")
                case "Đ": return UInt8(ascii: "D")
                default: return scalar.isASCII && scalar.value >= 0x20 ? UInt8(scalar.value) : UInt8(ascii: "?")
                }
            }
        }
    }
}
