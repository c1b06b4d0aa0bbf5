/// A reporting period as provinces name them: a month (`2026-07`), a quarter (`2026-Q3`), a
/// half year (`2026-H1`, `2026-H2`), the first nine months (`2026-9M`) or a year (`2026`).
/// Its days are local days of the centre's time zone, like `--from`/`--to`.
public struct ReportPeriod: Sendable, Equatable, CustomStringConvertible {
    public enum Span: Sendable, Equatable {
        case month(Int)
        case quarter(Int)
        case half(Int)
        case nineMonths
        case year
    }

    public let year: Int
    public let span: Span

    public init(year: Int, span: Span) {
        self.year = year
        self.span = span
    }

    /// Parses the forms above; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 4, first.allSatisfy(\.isASCII), let year = Int(first),
            (1970...9999).contains(year), parts.count <= 2
        else { return nil }
        guard parts.count == 2 else {
            self.init(year: year, span: .year)
            return
        }
        let rest = String(parts[1]).uppercased()
        let number = Int(rest.dropFirst()) ?? Int(rest.dropLast())
        switch rest.first {
        case "Q" where rest.count == 2 && (1...4).contains(number ?? 0): self.init(year: year, span: .quarter(number!))
        case "H" where rest.count == 2 && (1...2).contains(number ?? 0): self.init(year: year, span: .half(number!))
        case "9" where rest == "9M": self.init(year: year, span: .nineMonths)
        default:
            guard rest.count == 2, rest.allSatisfy(\.isASCII), let month = Int(rest), (1...12).contains(month) else { return nil }
            self.init(year: year, span: .month(month))
        }
    }

    /// The months it covers, first and last (1–12).
    var months: ClosedRange<Int> {
        switch span {
        case .month(let m): m...m
        case .quarter(let q): (q * 3 - 2)...(q * 3)
        case .half(let h): (h * 6 - 5)...(h * 6)
        case .nineMonths: 1...9
        case .year: 1...12
        }
    }

    public var first: LocalDay { LocalDay(year: year, month: months.lowerBound, day: 1) }
    public var last: LocalDay { LocalDay(year: year, month: months.upperBound, day: 1).lastOfMonth }

    /// The canonical text, as parsed: `2026-Q3`.
    public var description: String {
        switch span {
        case .month(let m): "\(year)-\(m < 10 ? "0" : "")\(m)"
        case .quarter(let q): "\(year)-Q\(q)"
        case .half(let h): "\(year)-H\(h)"
        case .nineMonths: "\(year)-9M"
        case .year: "\(year)"
        }
    }

    /// As Vietnamese reports name it: "Quý III năm 2026", "6 tháng đầu năm 2026".
    public var vietnameseName: String {
        switch span {
        case .month(let m): "Tháng \(m) năm \(year)"
        case .quarter(let q): "Quý \(["I", "II", "III", "IV"][q - 1]) năm \(year)"
        case .half(1): "6 tháng đầu năm \(year)"
        case .half: "6 tháng cuối năm \(year)"
        case .nineMonths: "9 tháng năm \(year)"
        case .year: "Năm \(year)"
        }
    }

    /// The same in English: "Q3 2026", "first half of 2026".
    public var englishName: String {
        let monthNames = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        switch span {
        case .month(let m): return "\(monthNames[m - 1]) \(year)"
        case .quarter(let q): return "Q\(q) \(year)"
        case .half(1): return "first half of \(year)"
        case .half: return "second half of \(year)"
        case .nineMonths: return "January to September \(year)"
        case .year: return "\(year)"
        }
    }
}
