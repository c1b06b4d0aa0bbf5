/// TCVN-3 (TCVN 5712:1993 "VN3"), as Epson printers hold it: lower-case Vietnamese letters on
/// one code page (Epson 30), capitals on another (Epson 31), at the same byte positions
/// except Ă Â Đ. Bytes 0x20–0x7F are ASCII on both pages. The project's own table: glibc's
/// puts some capitals on control bytes, which printers would take for commands.
public enum TCVN3 {
    /// Lower-case letters and their byte on the lower-case page.
    static let lower: [(Character, UInt8)] = [
        ("ă", 0xA8), ("â", 0xA9), ("ê", 0xAA), ("ô", 0xAB), ("ơ", 0xAC), ("ư", 0xAD), ("đ", 0xAE),
        ("à", 0xB5), ("ả", 0xB6), ("ã", 0xB7), ("á", 0xB8), ("ạ", 0xB9),
        ("ằ", 0xBB), ("ẳ", 0xBC), ("ẵ", 0xBD), ("ắ", 0xBE), ("ặ", 0xC6),
        ("ầ", 0xC7), ("ẩ", 0xC8), ("ẫ", 0xC9), ("ấ", 0xCA), ("ậ", 0xCB),
        ("è", 0xCC), ("ẻ", 0xCE), ("ẽ", 0xCF), ("é", 0xD0), ("ẹ", 0xD1),
        ("ề", 0xD2), ("ể", 0xD3), ("ễ", 0xD4), ("ế", 0xD5), ("ệ", 0xD6),
        ("ì", 0xD7), ("ỉ", 0xD8), ("ĩ", 0xDC), ("í", 0xDD), ("ị", 0xDE),
        ("ò", 0xDF), ("ỏ", 0xE1), ("õ", 0xE2), ("ó", 0xE3), ("ọ", 0xE4),
        ("ồ", 0xE5), ("ổ", 0xE6), ("ỗ", 0xE7), ("ố", 0xE8), ("ộ", 0xE9),
        ("ờ", 0xEA), ("ở", 0xEB), ("ỡ", 0xEC), ("ớ", 0xED), ("ợ", 0xEE),
        ("ù", 0xEF), ("ủ", 0xF1), ("ũ", 0xF2), ("ú", 0xF3), ("ụ", 0xF4),
        ("ừ", 0xF5), ("ử", 0xF6), ("ữ", 0xF7), ("ứ", 0xF8), ("ự", 0xF9),
        ("ỳ", 0xFA), ("ỷ", 0xFB), ("ỹ", 0xFC), ("ý", 0xFD), ("ỵ", 0xFE),
    ]

    /// Capitals and their byte on the capitals page: the lower-case positions, but Ă Â Đ
    /// have places of their own.
    static let upper: [(Character, UInt8)] = lower.map { letter, byte in
        let capital = Character(String(letter).uppercased())
        switch capital {
        case "Ă": return (capital, 0xA1)
        case "Â": return (capital, 0xA2)
        case "Đ": return (capital, 0xA7)
        default: return (capital, byte)
        }
    }

    static let lowerBytes = Dictionary(uniqueKeysWithValues: lower)
    static let upperBytes = Dictionary(uniqueKeysWithValues: upper)
    static let lowerLetters = Dictionary(uniqueKeysWithValues: lower.map { ($1, $0) })
    static let upperLetters = Dictionary(uniqueKeysWithValues: upper.map { ($1, $0) })

    /// Every Vietnamese letter outside ASCII, lower case then capitals (67 each).
    public static var letters: [Character] { lower.map(\.0) + upper.map(\.0) }

    public enum Page: Sendable, Equatable {
        case lower, upper
    }

    /// The page and byte of one character; nil page for ASCII (valid on both); nil for a
    /// character TCVN-3 does not have.
    public static func encode(_ c: Character) -> (page: Page?, byte: UInt8)? {
        if let ascii = c.asciiValue, ascii >= 0x20, ascii < 0x7F { return (nil, ascii) }
        if let b = lowerBytes[c] { return (.lower, b) }
        if let b = upperBytes[c] { return (.upper, b) }
        return nil
    }

    /// The character a byte stands for on a page.
    public static func decode(_ byte: UInt8, on page: Page) -> Character? {
        if byte >= 0x20 && byte < 0x7F { return Character(Unicode.Scalar(byte)) }
        return page == .lower ? lowerLetters[byte] : upperLetters[byte]
    }
}
