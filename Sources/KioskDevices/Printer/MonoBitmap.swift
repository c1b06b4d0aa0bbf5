/// A 1-bit image as thermal printers take it: rows of bytes, the most significant bit the
/// leftmost dot, 1 = black.
public struct MonoBitmap: Sendable, Equatable {
    public let width: Int
    public private(set) var height: Int
    public var rowBytes: Int { (width + 7) / 8 }
    public private(set) var bits: [UInt8]

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        bits = [UInt8](repeating: 0, count: (width + 7) / 8 * height)
    }

    public subscript(x: Int, y: Int) -> Bool {
        get {
            guard x >= 0, x < width, y >= 0, y < height else { return false }
            return bits[y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8)) != 0
        }
        set {
            guard x >= 0, x < width, y >= 0, y < height else { return }
            if newValue { bits[y * rowBytes + x / 8] |= 0x80 >> UInt8(x % 8) }
            else { bits[y * rowBytes + x / 8] &= ~(0x80 >> UInt8(x % 8)) }
        }
    }

    /// Adds `other` below this image (same width), left-aligned.
    public mutating func append(_ other: MonoBitmap) {
        precondition(other.width == width, "stacked images must have the same width")
        bits += other.bits
        height += other.height
    }

    /// Adds blank rows.
    public mutating func appendBlank(rows: Int) {
        bits += [UInt8](repeating: 0, count: rowBytes * rows)
        height += rows
    }

    /// Rows `from..<to`, as their own image.
    public func rows(_ range: Range<Int>) -> MonoBitmap {
        var part = MonoBitmap(width: width, height: range.count)
        part.bits = Array(bits[range.lowerBound * rowBytes..<range.upperBound * rowBytes])
        return part
    }

    public var blackDots: Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }
}
