import CFreeType
import Foundation

/// Draws lines of text into 1-bit images with FreeType and a font that has every Vietnamese
/// letter (DejaVu Sans from Debian's fonts-dejavu-core): the path that prints correct
/// Vietnamese on any ESC/POS printer, whatever its code pages.
public final class TextRasterizer: @unchecked Sendable {
    // @unchecked: FreeType faces are not thread-safe; every use goes through `lock`.
    public static let regularFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    public static let boldFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    public enum Failure: Error, CustomStringConvertible {
        case freetype(String, Int32)
        public var description: String {
            switch self {
            case .freetype(let what, let code): "FreeType: \(what) failed (error \(code))"
            }
        }
    }

    /// `FT_LOAD_TARGET_MONO`, a C macro Swift cannot import: crisp 1-bit glyphs, hinted for it.
    private static let loadTargetMono = FT_Int32((Int32(FT_RENDER_MODE_MONO.rawValue) & 15) << 16)

    private var library: FT_Library?
    private var regular: FT_Face?
    private var bold: FT_Face?
    private let lock = NSLock()

    public init(regularFont: String = TextRasterizer.regularFont, boldFont: String = TextRasterizer.boldFont) throws {
        var status = FT_Init_FreeType(&library)
        guard status == 0 else { throw Failure.freetype("init", status) }
        status = FT_New_Face(library, regularFont, 0, &regular)
        guard status == 0 else { throw Failure.freetype("open \(regularFont)", status) }
        status = FT_New_Face(library, boldFont, 0, &bold)
        guard status == 0 else { throw Failure.freetype("open \(boldFont)", status) }
    }

    deinit {
        FT_Done_Face(regular)
        FT_Done_Face(bold)
        FT_Done_FreeType(library)
    }

    /// One or more lines (wrapped at spaces to fit `width` dots), `pixels` high each, aligned.
    public func render(_ text: String, width: Int, pixels: Int, bold isBold: Bool = false,
                       alignment: EscPosDocument.Alignment = .center) -> MonoBitmap {
        lock.lock()
        defer { lock.unlock() }
        let face = isBold ? bold! : regular!
        FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixels))
        let metrics = face.pointee.size.pointee.metrics
        var image = MonoBitmap(width: width, height: 0)
        for line in wrap(text.precomposedStringWithCanonicalMapping, face: face, width: width) {
            // Stacked marks on capitals (Ế, Ở) rise above the font's ascender: make room for them.
            let (above, below) = extent(of: line, face: face)
            let ascender = max(Int(metrics.ascender >> 6), above) + 2
            let lineHeight = ascender + max(Int(-metrics.descender >> 6), below)
            var row = MonoBitmap(width: width, height: lineHeight)
            let lineWidth = advance(of: line, face: face)
            var penX: Int
            switch alignment {
            case .left: penX = 0
            case .center: penX = max(0, (width - lineWidth) / 2)
            case .right: penX = max(0, width - lineWidth)
            }
            for scalar in line.unicodeScalars {
                guard FT_Load_Char(face, FT_ULong(scalar.value), FT_Int32(FT_LOAD_RENDER) | Self.loadTargetMono) == 0 else { continue }
                let glyph = face.pointee.glyph.pointee
                let bitmap = glyph.bitmap
                let left = penX + Int(glyph.bitmap_left)
                let top = ascender - Int(glyph.bitmap_top)
                if let buffer = bitmap.buffer {
                    for y in 0..<Int(bitmap.rows) {
                        let rowStart = buffer + y * Int(bitmap.pitch)
                        for x in 0..<Int(bitmap.width) where rowStart[x / 8] & (0x80 >> UInt8(x % 8)) != 0 {
                            row[left + x, top + y] = true
                        }
                    }
                }
                penX += Int(glyph.advance.x >> 6)
            }
            image.append(row)
        }
        return image
    }

    private func advance(of text: String, face: FT_Face) -> Int {
        var total = 0
        for scalar in text.unicodeScalars where FT_Load_Char(face, FT_ULong(scalar.value), FT_Int32(FT_LOAD_DEFAULT)) == 0 {
            total += Int(face.pointee.glyph.pointee.advance.x >> 6)
        }
        return total
    }

    /// How far the line's glyphs reach above and below the baseline, in dots.
    private func extent(of text: String, face: FT_Face) -> (above: Int, below: Int) {
        var above = 0, below = 0
        for scalar in text.unicodeScalars where FT_Load_Char(face, FT_ULong(scalar.value), FT_Int32(FT_LOAD_RENDER) | Self.loadTargetMono) == 0 {
            let glyph = face.pointee.glyph.pointee
            above = max(above, Int(glyph.bitmap_top))
            below = max(below, Int(glyph.bitmap.rows) - Int(glyph.bitmap_top))
        }
        return (above, below)
    }

    /// Greedy word wrap; a word wider than the paper is left to be clipped.
    private func wrap(_ text: String, face: FT_Face, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if advance(of: candidate, face: face) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines
    }
}
