import Foundation
import KioskRuntime

/// Writes a 1-bit image as a PNG a person can open: grayscale at 1 bit per pixel, stored
/// (uncompressed) deflate blocks, so no compression library is needed.
public enum PNGWriter {
    public static func png(_ image: MonoBitmap) -> Data {
        var raw: [UInt8] = []
        raw.reserveCapacity((image.rowBytes + 1) * image.height)
        for y in 0..<image.height {
            raw.append(0)  // filter: none
            // PNG grayscale: 1 is white, printers' 1 is black.
            raw += image.rows(y..<y + 1).bits.map { ~$0 }
        }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header: [UInt8] = []
        header += bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, grayscale, deflate, no filter, no interlace
        png += chunk("IHDR", header)
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, data.count - offset)
            let last: UInt8 = offset + count == data.count ? 1 : 0
            out += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian(b << 16 | a)
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> Data {
        let typed = Array(type.utf8) + body
        return Data(bigEndian(UInt32(body.count)) + typed + bigEndian(CRC32.checksum(typed)))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}

/// Draws decoded ESC/POS the way a thermal printer would lay it out, for `kiosk ticket-preview`.
public enum PaperPreview {
    /// The height in dots of one native text line at size 1 (the printer's 12×24 font).
    static let lineDots = 24

    public static func render(_ elements: [EscPosDecoder.Element], width: Int, rasterizer: TextRasterizer) -> MonoBitmap {
        var paper = MonoBitmap(width: width, height: 0)
        paper.appendBlank(rows: 16)
        for element in elements {
            switch element {
            case .text(let line):
                // The printer's own font is monospaced; DejaVu at the same height is close enough to judge a layout.
                let pixels = lineDots * line.height * 3 / 4
                if line.text.isEmpty {
                    paper.appendBlank(rows: lineDots * line.height)
                    continue
                }
                paper.append(rasterizer.render(line.text, width: width, pixels: pixels, bold: line.bold, alignment: line.alignment))
            case .image(let image):
                var fitted = MonoBitmap(width: width, height: image.height)
                let left = max(0, (width - image.width) / 2)
                for y in 0..<image.height { for x in 0..<min(image.width, width) where image[x, y] { fitted[left + x, y] = true } }
                paper.append(fitted)
            case .qrCode(let data):
                // The printer encodes a native QR code itself; drawn here as it would, from the same data.
                if let symbol = QRSymbol(Array(data.utf8)) {
                    paper.append(symbol.bitmap(moduleSize: symbol.moduleSize(fitting: width), width: width))
                } else {
                    paper.append(rasterizer.render("QR (too long): " + data, width: width, pixels: 16))
                }
            case .feed(let lines):
                paper.appendBlank(rows: lines * lineDots)
            case .cut:
                var line = MonoBitmap(width: width, height: 3)
                for x in stride(from: 0, to: width, by: 12) { for d in 0..<6 where x + d < width { line[x + d, 1] = true } }
                paper.append(line)
            }
        }
        return paper
    }
}
