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
            if newValue {
                bits[y * rowBytes + x / 8] |= 0x80 >> UInt8(x % 8)
            } else {
                bits[y * rowBytes + x / 8] &= ~(0x80 >> UInt8(x % 8))
            }
        }
    }

    /// ORs a packed 1-bit image (rows of `pitch` bytes, MSB leftmost) into this one with its
    /// top-left corner at (x, y), a byte at a time; what falls outside is clipped.
    public mutating func draw(packed source: [UInt8], width sourceWidth: Int, rows: Int, pitch: Int, x: Int, y: Int) {
        let shift = x & 7
        let rowBytes = self.rowBytes
        bits.withUnsafeMutableBufferPointer { dst in
            for row in 0..<rows {
                let dy = y + row
                guard dy >= 0, dy < height else { continue }
                let rowStart = dy * rowBytes
                for byteIndex in 0..<min(pitch, (sourceWidth + 7) / 8) {
                    let b = source[row * pitch + byteIndex]
                    if b == 0 { continue }
                    let x0 = x + byteIndex * 8
                    if x0 < 0 || x0 + 8 > width {
                        // At the edges, dot by dot.
                        for bit in 0..<8 where b & (0x80 >> UInt8(bit)) != 0 {
                            let dx = x0 + bit
                            if dx >= 0 && dx < width { dst[rowStart + dx / 8] |= 0x80 >> UInt8(dx % 8) }
                        }
                        continue
                    }
                    let at = rowStart + (x0 >> 3)
                    dst[at] |= b >> UInt8(shift)
                    if shift > 0 && (x0 >> 3) + 1 < rowBytes { dst[at + 1] |= b << UInt8(8 - shift) }
                }
            }
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
