import CQRencode

/// A QR code's modules, encoded by libqrencode: what a printer without QR support of its own
/// prints as an image, and what the ticket preview draws.
public struct QRSymbol: Sendable, Equatable {
    /// Modules per side (21 for version 1, 4 more per version).
    public let size: Int
    private let modules: [Bool]

    /// The smallest symbol holding `data` at `level`; nil when it does not fit a QR code.
    public init?(_ data: [UInt8], level: EscPosDocument.QRErrorLevel = .medium) {
        let levels: [EscPosDocument.QRErrorLevel: QRecLevel] = [
            .low: QR_ECLEVEL_L, .medium: QR_ECLEVEL_M,
            .quartile: QR_ECLEVEL_Q, .high: QR_ECLEVEL_H,
        ]
        guard !data.isEmpty,
            let code = data.withUnsafeBufferPointer({
                QRcode_encodeData(Int32($0.count), $0.baseAddress, 0, levels[level]!)
            })
        else { return nil }
        defer { QRcode_free(code) }
        size = Int(code.pointee.width)
        // libqrencode: one byte a module, its lowest bit set for a dark one.
        modules = (0..<size * size).map { code.pointee.data[$0] & 1 == 1 }
    }

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// The symbol at `moduleSize` dots a module inside its quiet zone (4 modules, as the
    /// standard asks), centred on an image `width` dots wide.
    public func bitmap(moduleSize: Int, width: Int) -> MonoBitmap {
        let side = (size + 8) * moduleSize
        var image = MonoBitmap(width: max(width, side), height: side)
        let left = (image.width - side) / 2 + 4 * moduleSize
        for y in 0..<size {
            for x in 0..<size where self[x, y] {
                for dy in 0..<moduleSize {
                    for dx in 0..<moduleSize { image[left + x * moduleSize + dx, (4 + y) * moduleSize + dy] = true }
                }
            }
        }
        return image
    }

    /// The largest module size (up to `preferred`) at which the symbol and its quiet zone fit `width`.
    public func moduleSize(fitting width: Int, preferred: Int = 6) -> Int {
        max(1, min(preferred, width / (size + 8)))
    }
}
