import Foundation

/// A service area citizens pick at the kiosk, and how its tickets are numbered.
public struct ServiceDefinition: Hashable, Codable, Sendable {
    public var code: ServiceCode
    /// What citizens read, in Vietnamese ("Chứng thực bản sao").
    public var name: String
    /// Letters before the number ("A" gives A001); empty for plain numbers (1001).
    public var prefix: String
    public var firstNumber: Int
    public var lastNumber: Int

    public init(code: ServiceCode, name: String, prefix: String = "", firstNumber: Int = 1, lastNumber: Int = 999) {
        self.code = code
        self.name = name
        self.prefix = prefix
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
    }

    public var rangeSize: Int { lastNumber - firstNumber + 1 }

    /// The number printed for the `sequence`-th ticket of the day (1-based): it wraps to
    /// `firstNumber` after `lastNumber`.
    public func number(forSequence sequence: Int) -> Int {
        firstNumber + (sequence - 1) % rangeSize
    }

    /// `A007` for prefix A and range 1–999; `1007` for range 1001–1999.
    public func display(number: Int) -> String {
        let width = String(lastNumber).count
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
