/// Turns a USB barcode scanner's key events into codes. To the kernel a scanner is a keyboard
/// that types fast: digits, letters (capitals with Shift held), `.` and `-`, then Enter. A
/// pause longer than `gap` inside a code means a broken read (or a person at a keyboard):
/// what was typed before it is dropped.
public struct BarcodeReader: Sendable {
    public let gap: Double
    private var typed = ""
    private var shift = false
    private var last: Double?

    public init(gap: Double) {
        self.gap = gap
    }

    /// Feeds one key event (`value`: 1 down, 0 up, 2 autorepeat) at `time` (seconds);
    /// returns the code when Enter ends one.
    public mutating func feed(code: UInt16, value: Int32, at time: Double) -> String? {
        if Self.shifts.contains(code) {
            shift = value != 0
            return nil
        }
        guard value == 1 else { return nil }
        if let last, time - last > gap { typed = "" }
        last = time
        if Self.enters.contains(code) {
            defer { typed = "" }
            return typed.isEmpty ? nil : typed
        }
        guard let character = Self.characters[code] else { return nil }
        typed.append(shift ? Character(character.uppercased()) : character)
        return nil
    }

    private static let shifts: Set<UInt16> = [code("KEY_LEFTSHIFT"), code("KEY_RIGHTSHIFT")]
    private static let enters: Set<UInt16> = [code("KEY_ENTER"), code("KEY_KPENTER")]
    /// Digits (top row and keypad), letters, `.` and `-`, by libevdev's names.
    private static let characters: [UInt16: Character] = {
        var table: [UInt16: Character] = [:]
        for d in 0...9 {
            table[code("KEY_\(d)")] = Character(String(d))
            table[code("KEY_KP\(d)")] = Character(String(d))
        }
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" { table[code("KEY_\(letter)")] = Character(letter.lowercased()) }
        table[code("KEY_DOT")] = "."
        table[code("KEY_KPDOT")] = "."
        table[code("KEY_MINUS")] = "-"
        table[code("KEY_KPMINUS")] = "-"
        return table
    }()

    private static func code(_ name: String) -> UInt16 { KeyNames.code(of: name)! }
}
