/// One kernel `struct input_event` as read from `/dev/input/event*`: on 64-bit Linux
/// 24 bytes, a `timeval` (two 8-byte fields) then type, code (2 bytes each) and value (4 bytes),
/// in the machine's byte order (little-endian on x86_64 and arm64).
public struct InputEvent: Hashable, Sendable {
    public static let size = 24
    public static let evSyn: UInt16 = 0
    public static let evKey: UInt16 = 1

    public var seconds: Int64
    public var microseconds: Int64
    public var type: UInt16
    public var code: UInt16
    /// For keys: 1 press, 0 release, 2 autorepeat.
    public var value: Int32

    public init(seconds: Int64, microseconds: Int64, type: UInt16, code: UInt16, value: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
        self.type = type
        self.code = code
        self.value = value
    }

    /// A key going down: the only thing that counts as a press (not release, not autorepeat).
    public var isKeyPress: Bool { type == Self.evKey && value == 1 }

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.size)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(seconds)
        put(microseconds)
        put(type)
        put(code)
        put(value)
        return out
    }

    /// The records a keypad sends for one tap of `code`: press, sync, release, sync.
    /// The key is released 80 ms after it went down.
    public static func tap(code: UInt16, seconds: Int64, microseconds: Int64) -> [InputEvent] {
        let up = seconds * 1_000_000 + microseconds + 80_000
        let (upSeconds, upMicroseconds) = (up / 1_000_000, up % 1_000_000)
        return [
            InputEvent(seconds: seconds, microseconds: microseconds, type: evKey, code: code, value: 1),
            InputEvent(seconds: seconds, microseconds: microseconds, type: evSyn, code: 0, value: 0),
            InputEvent(seconds: upSeconds, microseconds: upMicroseconds, type: evKey, code: code, value: 0),
            InputEvent(seconds: upSeconds, microseconds: upMicroseconds, type: evSyn, code: 0, value: 0),
        ]
    }
}

/// Cuts a byte stream into input events, whatever the sizes of the reads that deliver it.
public struct InputEventDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public mutating func feed<C: Collection<UInt8>>(_ bytes: C) -> [InputEvent] {
        pending.append(contentsOf: bytes)
        var events: [InputEvent] = []
        var offset = 0
        while pending.count - offset >= InputEvent.size {
            events.append(Self.decode(pending[offset..<offset + InputEvent.size]))
            offset += InputEvent.size
        }
        pending.removeFirst(offset)
        return events
    }

    /// Bytes received that do not yet make a whole record.
    public var buffered: Int { pending.count }

    private static func decode(_ record: ArraySlice<UInt8>) -> InputEvent {
        func read<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            var v: T = 0
            withUnsafeMutableBytes(of: &v) { raw in
                for i in 0..<MemoryLayout<T>.size { raw[i] = record[record.startIndex + at + i] }
            }
            return T(littleEndian: v)
        }
        return InputEvent(
            seconds: read(0, Int64.self), microseconds: read(8, Int64.self), type: read(16, UInt16.self),
            code: read(18, UInt16.self), value: read(20, Int32.self))
    }
}
