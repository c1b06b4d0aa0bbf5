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

    /// A rendered glyph, kept: a ticket draws the same few dozen glyphs every time.
    private struct Glyph {
        var left: Int, top: Int, advance: Int
        var width: Int, rows: Int, pitch: Int
        var bits: [UInt8]
    }

    private struct GlyphKey: Hashable {
        var bold: Bool, pixels: Int, scalar: UInt32
    }

    private var glyphs: [GlyphKey: Glyph] = [:]
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
    public func render(
        _ text: String, width: Int, pixels: Int, bold isBold: Bool = false,
        alignment: EscPosDocument.Alignment = .center
    ) -> MonoBitmap {
        lock.lock()
        defer { lock.unlock() }
        let face = isBold ? bold! : regular!
        FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixels))
        let metrics = face.pointee.size.pointee.metrics
        var image = MonoBitmap(width: width, height: 0)
        let glyphs = text.precomposedStringWithCanonicalMapping.unicodeScalars.map {
            (isSpace: $0 == " ", glyph: glyph(GlyphKey(bold: isBold, pixels: pixels, scalar: $0.value), face: face))
        }
        for line in wrap(glyphs, width: width) {
            // Stacked marks on capitals (Ế, Ở) rise above the font's ascender: make room for them.
            let above = line.map(\.top).max() ?? 0
            let below = line.map { $0.rows - $0.top }.max() ?? 0
            let ascender = max(Int(metrics.ascender >> 6), above) + 2
            let lineHeight = ascender + max(Int(-metrics.descender >> 6), below)
            var row = MonoBitmap(width: width, height: lineHeight)
            let lineWidth = line.reduce(0) { $0 + $1.advance }
            var penX: Int
            switch alignment {
            case .left: penX = 0
            case .center: penX = max(0, (width - lineWidth) / 2)
            case .right: penX = max(0, width - lineWidth)
            }
            for glyph in line {
                row.draw(
                    packed: glyph.bits, width: glyph.width, rows: glyph.rows, pitch: glyph.pitch,
                    x: penX + glyph.left, y: ascender - glyph.top)
                penX += glyph.advance
            }
            image.append(row)
        }
        return image
    }

    private func glyph(_ key: GlyphKey, face: FT_Face) -> Glyph {
        if let cached = glyphs[key] { return cached }
        var made = Glyph(left: 0, top: 0, advance: 0, width: 0, rows: 0, pitch: 0, bits: [])
        if FT_Load_Char(face, FT_ULong(key.scalar), FT_Int32(FT_LOAD_RENDER) | Self.loadTargetMono) == 0 {
            let slot = face.pointee.glyph.pointee
            let bitmap = slot.bitmap
            let pitch = Int(abs(bitmap.pitch))
            made = Glyph(
                left: Int(slot.bitmap_left), top: Int(slot.bitmap_top), advance: Int(slot.advance.x >> 6),
                width: Int(bitmap.width), rows: Int(bitmap.rows), pitch: pitch,
                bits: bitmap.buffer.map { Array(UnsafeBufferPointer(start: $0, count: pitch * Int(bitmap.rows))) } ?? [])
        }
        glyphs[key] = made
        return made
    }

    /// Greedy word wrap on glyphs; a word wider than the paper is left to be clipped.
    private func wrap(_ glyphs: [(isSpace: Bool, glyph: Glyph)], width: Int) -> [[Glyph]] {
        var lines: [[Glyph]] = []
        var current: [Glyph] = []
        var currentWidth = 0
        var word: [Glyph] = []
        var wordWidth = 0
        var spaceGlyph: Glyph?
        func flushWord() {
            guard !word.isEmpty else { return }
            let gap = current.isEmpty ? 0 : (spaceGlyph?.advance ?? 0)
            if !current.isEmpty && currentWidth + gap + wordWidth > width {
                lines.append(current)
                current = []
                currentWidth = 0
            }
            if !current.isEmpty, let spaceGlyph {
                current.append(spaceGlyph)
                currentWidth += spaceGlyph.advance
            }
            current += word
            currentWidth += wordWidth
            word = []
            wordWidth = 0
        }
        for (isSpace, glyph) in glyphs {
            if isSpace {
                spaceGlyph = glyph
                flushWord()
            } else {
                word.append(glyph)
                wordWidth += glyph.advance
            }
        }
        flushWord()
        if current.isEmpty && lines.isEmpty { return [[]] }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
