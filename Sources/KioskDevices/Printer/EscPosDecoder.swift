/// Reads back the ESC/POS this project writes: text lines (in their code page), raster
/// images, QR codes, feeds and cuts. For tests ("the printer got the right Vietnamese") and
/// for `kiosk ticket-preview`. Unknown commands are an error, so nothing passes unseen.
public struct EscPosDecoder {
    public struct TextLine: Equatable, Sendable {
        public var text: String
        public var width: Int
        public var height: Int
        public var bold: Bool
        public var alignment: EscPosDocument.Alignment
    }

    public enum Element: Equatable, Sendable {
        case text(TextLine)
        case image(MonoBitmap)
        case qrCode(String)
        case feed(lines: Int)
        case cut
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "byte \(offset): \(message)" }
    }

    /// The code pages that hold TCVN-3 lower case and capitals on this printer.
    let tcvn3Pages: [UInt8]

    public init(tcvn3Pages: [UInt8] = [30, 31]) {
        self.tcvn3Pages = tcvn3Pages
    }

    public func decode(_ bytes: [UInt8]) throws(Malformed) -> [Element] {
        var elements: [Element] = []
        var i = 0
        var page: TCVN3.Page?
        var line = ""
        var width = 1
        var height = 1
        var bold = false
        var alignment = EscPosDocument.Alignment.left
        var lineAlignment: EscPosDocument.Alignment?

        func need(_ n: Int) throws(Malformed) {
            guard i + n <= bytes.count else { throw Malformed(offset: i, message: "command cut short") }
        }
        func flushText() {
            elements.append(.text(TextLine(text: line, width: width, height: height, bold: bold, alignment: lineAlignment ?? alignment)))
            line = ""
            lineAlignment = nil
        }

        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A:
                flushText()
                i += 1
            case 0x1B:
                try need(2)
                switch bytes[i + 1] {
                case 0x40:
                    page = nil
                    width = 1
                    height = 1
                    bold = false
                    alignment = .left
                    i += 2
                case 0x74:
                    try need(3)
                    let n = bytes[i + 2]
                    page = n == tcvn3Pages[0] ? .lower : n == tcvn3Pages[1] ? .upper : nil
                    i += 3
                case 0x61:
                    try need(3)
                    alignment = EscPosDocument.Alignment(rawValue: bytes[i + 2] & 3) ?? .left
                    if line.isEmpty { lineAlignment = alignment }
                    i += 3
                case 0x45:
                    try need(3)
                    bold = bytes[i + 2] & 1 == 1
                    i += 3
                case 0x64:
                    try need(3)
                    elements.append(.feed(lines: Int(bytes[i + 2])))
                    i += 3
                default:
                    throw Malformed(offset: i, message: "unknown command ESC \(hex(bytes[i + 1]))")
                }
            case 0x1C:
                try need(2)
                guard bytes[i + 1] == 0x2E else { throw Malformed(offset: i, message: "unknown command FS \(hex(bytes[i + 1]))") }
                i += 2
            case 0x10:
                try need(3)
                guard bytes[i + 1] == 0x04 else { throw Malformed(offset: i, message: "unknown command DLE \(hex(bytes[i + 1]))") }
                i += 3
            case 0x1D:
                try need(2)
                switch bytes[i + 1] {
                case 0x21:
                    try need(3)
                    width = Int(bytes[i + 2] >> 4) + 1
                    height = Int(bytes[i + 2] & 0x0F) + 1
                    i += 3
                case 0x56:
                    try need(4)
                    elements.append(.cut)
                    i += 4
                case 0x28:
                    try need(5)
                    guard bytes[i + 2] == 0x6B else { throw Malformed(offset: i, message: "unknown command GS ( \(hex(bytes[i + 2]))") }
                    let length = Int(bytes[i + 3]) + 256 * Int(bytes[i + 4])
                    try need(5 + length)
                    // Function 80 (0x50) stores the QR data after "1 P 0".
                    if length >= 3, bytes[i + 5] == 0x31, bytes[i + 6] == 0x50 {
                        elements.append(.qrCode(String(decoding: bytes[(i + 8)..<(i + 5 + length)], as: UTF8.self)))
                    }
                    i += 5 + length
                case 0x76:
                    try need(8)
                    guard bytes[i + 2] == 0x30 else { throw Malformed(offset: i, message: "unknown command GS v \(hex(bytes[i + 2]))") }
                    let x = Int(bytes[i + 4]) + 256 * Int(bytes[i + 5])
                    let y = Int(bytes[i + 6]) + 256 * Int(bytes[i + 7])
                    try need(8 + x * y)
                    var stripe = MonoBitmap(width: x * 8, height: 0)
                    var rows = MonoBitmap(width: x * 8, height: y)
                    for row in 0..<y {
                        for col in 0..<(x * 8) where bytes[i + 8 + row * x + col / 8] & (0x80 >> UInt8(col % 8)) != 0 {
                            rows[col, row] = true
                        }
                    }
                    // Stripes of one image arrive one after another: join them.
                    if case .image(let previous)? = elements.last, previous.width == x * 8 {
                        stripe = previous
                        elements.removeLast()
                    }
                    stripe.append(rows)
                    elements.append(.image(stripe))
                    i += 8 + x * y
                default:
                    throw Malformed(offset: i, message: "unknown command GS \(hex(bytes[i + 1]))")
                }
            case 0x20...0x7E:
                line.append(Character(Unicode.Scalar(b)))
                i += 1
            case 0x80...0xFF:
                guard let page, let c = TCVN3.decode(b, on: page) else {
                    throw Malformed(offset: i, message: "byte \(hex(b)) outside a TCVN-3 page")
                }
                line.append(c)
                i += 1
            default:
                throw Malformed(offset: i, message: "unexpected control byte \(hex(b))")
            }
        }
        if !line.isEmpty { flushText() }
        return elements
    }

    /// The text lines, in order.
    public func text(_ bytes: [UInt8]) throws(Malformed) -> [String] {
        try decode(bytes).compactMap { if case .text(let line) = $0 { line.text } else { nil } }
    }

    private func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
