import Foundation

/// How one LED board protocol frames a message: prefix, address, payload, checksum,
/// suffix. The boards are write-only and vendor-specific, so this is data, not code.
public struct LEDFrameFormat: Sendable, Equatable {
    public enum Address: Sendable, Equatable {
        /// One byte, the address itself.
        case binary
        /// Decimal digits, zero-padded to `width` (`$001,...`).
        case ascii(width: Int)
        /// Not sent: one board per port.
        case none
    }

    public enum Checksum: String, Sendable, Equatable, CaseIterable {
        case none
        /// XOR of the covered bytes.
        case xor
        /// Sum of the covered bytes, modulo 256.
        case sum8 = "sum8"
        /// CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF), low byte first.
        case crc16Modbus = "crc16-modbus"
        /// Longitudinal redundancy check: the two's complement of the byte sum.
        case lrc
    }

    /// How the text becomes bytes on the board.
    public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
        /// Vietnamese marks dropped: what nearly every board can show.
        case ascii
        /// UTF-8 as it is, for boards with a Unicode font.
        case utf8 = "utf-8"
    }

    public var prefix: [UInt8]
    public var encoding: TextEncoding = .ascii
    public var address: Address
    /// Bytes between the address and the payload (`,` in `$001,A015#`).
    public var separator: [UInt8]
    /// `{number}`, `{counter}`, `{text}` are filled in.
    public var payload: String
    public var checksum: Checksum
    /// Whether the checksum covers the prefix too (else: address and payload).
    public var checksumIncludesPrefix: Bool
    public var suffix: [UInt8]
    /// Boards need time between frames.
    public var gapMilliseconds: Int
    /// Modbus RTU function 16 (write multiple registers) instead of a plain text frame.
    public var modbusFunction16: Bool

    public init(
        prefix: [UInt8] = [], address: Address = .binary, separator: [UInt8] = [], payload: String = "{number}",
        checksum: Checksum = .none, checksumIncludesPrefix: Bool = false, suffix: [UInt8] = [],
        gapMilliseconds: Int = 100, modbusFunction16: Bool = false
    ) {
        self.prefix = prefix
        self.address = address
        self.separator = separator
        self.payload = payload
        self.checksum = checksum
        self.checksumIncludesPrefix = checksumIncludesPrefix
        self.suffix = suffix
        self.gapMilliseconds = gapMilliseconds
        self.modbusFunction16 = modbusFunction16
    }

    /// `01 <addr> <text> 07`, with 300 ms after each frame (a well-known open queue system's boards).
    public static let soh07 = LEDFrameFormat(prefix: [0x01], address: .binary, suffix: [0x07], gapMilliseconds: 300)
    /// `$AAA,text#`.
    public static let dollarHash = LEDFrameFormat(
        prefix: Array("$".utf8), address: .ascii(width: 3), separator: Array(",".utf8),
        suffix: Array("#".utf8), gapMilliseconds: 100)
    /// Modbus RTU function 16: the text as ASCII in holding registers from 0, CRC-16 low byte first.
    public static let modbus16 = LEDFrameFormat(address: .binary, checksum: .crc16Modbus, gapMilliseconds: 50, modbusFunction16: true)

    public static let presets: [String: LEDFrameFormat] = ["soh-07": soh07, "dollar-hash": dollarHash, "modbus-16": modbus16]

    /// The same format with another gap between frames.
    public func with(gap milliseconds: Int) -> LEDFrameFormat {
        var copy = self
        copy.gapMilliseconds = milliseconds
        return copy
    }

    /// Modbus function 16 writes at most 123 registers: 246 bytes of text.
    public static let modbusMaxBytes = 246

    /// Why this board could not be sent this text (checked with the longest text when the
    /// config loads, so nothing fails at the first call); nil if it can.
    public func problem(address value: Int, number: String, counter: Int, text: String) -> String? {
        if case .binary = address, !(0...255).contains(value) {
            return "address \(value) does not fit the one byte a binary address has (0–255)"
        }
        if modbusFunction16 {
            let count = body(number: number, counter: counter, text: text).count
            if count > Self.modbusMaxBytes {
                return "the text \"\(text)\" makes \(count) bytes; Modbus function 16 carries at most \(Self.modbusMaxBytes)"
            }
        }
        return nil
    }

    private func body(number: String, counter: Int, text: String) -> [UInt8] {
        let filled = payload.replacingOccurrences(of: "{number}", with: number)
            .replacingOccurrences(of: "{counter}", with: String(counter))
            .replacingOccurrences(of: "{text}", with: text)
        return encoding == .utf8 ? Array(filled.precomposedStringWithCanonicalMapping.utf8) : PrinterTextEncoding.ascii(filled)
    }

    /// The bytes that tell board `address` to show this. Text beyond what a Modbus frame
    /// carries is cut (the config check refuses such a board first).
    public func frame(address value: Int, number: String, counter: Int, text: String = "") -> [UInt8] {
        let body = body(number: number, counter: counter, text: text)
        if modbusFunction16 {
            let fitting = Array(body.prefix(Self.modbusMaxBytes))
            let data = fitting.count % 2 == 0 ? fitting : fitting + [0x20]
            var frame: [UInt8] = [UInt8(value & 0xFF), 0x10, 0x00, 0x00, 0x00, UInt8(data.count / 2), UInt8(data.count)] + data
            frame += Self.checksum(.crc16Modbus, frame)
            return frame
        }
        var addressBytes: [UInt8] = []
        switch address {
        case .binary: addressBytes = [UInt8(value & 0xFF)]
        case .ascii(let width):
            let digits = String(value)
            addressBytes = Array((String(repeating: "0", count: max(0, width - digits.count)) + digits).utf8)
        case .none: break
        }
        let covered = addressBytes + separator + body
        return prefix + covered + Self.checksum(checksum, checksumIncludesPrefix ? prefix + covered : covered) + suffix
    }

    public static func checksum(_ kind: Checksum, _ bytes: [UInt8]) -> [UInt8] {
        switch kind {
        case .none: return []
        case .xor: return [bytes.reduce(0, ^)]
        case .sum8: return [bytes.reduce(0, &+)]
        case .lrc: return [0 &- bytes.reduce(0, &+)]
        case .crc16Modbus:
            var crc: UInt16 = 0xFFFF
            for b in bytes {
                crc ^= UInt16(b)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
            }
            return [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        }
    }
}
