/// Numbers and ticket numbers as a Vietnamese voice must say them: 1023 is "một nghìn không
/// trăm hai mươi ba", 21 "hai mươi mốt", 25 "hai mươi lăm", 105 "một trăm linh năm".
public enum VietnameseNumbers {
    static let digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

    /// Letter names, for the prefix of a ticket number ("B" is "bê").
    static let letters: [Character: String] = [
        "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát", "I": "i",
        "J": "gi", "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "P": "pê", "Q": "quy", "R": "e-rờ",
        "S": "ét-xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích-xì", "Y": "i dài", "Z": "dét",
    ]

    /// 0 … 999,999 in words.
    public static func words(_ n: Int) -> String {
        precondition(n >= 0 && n < 1_000_000, "ticket and counter numbers stay below a million")
        if n < 1000 { return belowThousand(n, full: false) }
        let thousands = n / 1000
        let rest = n % 1000
        let head = belowThousand(thousands, full: false) + " nghìn"
        return rest == 0 ? head : head + " " + belowThousand(rest, full: true)
    }

    /// `full`: after thousands, the hundreds are said even when zero ("không trăm").
    static func belowThousand(_ n: Int, full: Bool) -> String {
        let hundreds = n / 100
        let rest = n % 100
        var parts: [String] = []
        if hundreds > 0 || full {
            parts.append(digits[hundreds] + " trăm")
            if rest == 0 { return parts.joined(separator: " ") }
            if rest < 10 { return (parts + ["linh", digits[rest]]).joined(separator: " ") }
        }
        parts.append(belowHundred(rest))
        return parts.joined(separator: " ")
    }

    static func belowHundred(_ n: Int) -> String {
        if n < 10 { return digits[n] }
        let tens = n / 10
        let units = n % 10
        let head = tens == 1 ? "mười" : digits[tens] + " mươi"
        switch units {
        case 0: return head
        case 1: return tens == 1 ? head + " một" : head + " mốt"
        case 4: return tens == 1 ? head + " bốn" : head + " tư"
        case 5: return head + " lăm"
        default: return head + " " + digits[units]
        }
    }

    /// A ticket number as it is called: letters by name, then the number's value
    /// (`A015` → "a mười lăm", `1023` → "một nghìn không trăm hai mươi ba").
    public static func ticket(_ display: String) -> String {
        let letters = display.prefix { !$0.isNumber }
        let number = Int(display.drop { !$0.isNumber }.filter(\.isNumber)) ?? 0
        let spelled = letters.uppercased().map { Self.letters[$0] ?? String($0) }
        return (spelled + [words(number)]).joined(separator: " ")
    }
}
