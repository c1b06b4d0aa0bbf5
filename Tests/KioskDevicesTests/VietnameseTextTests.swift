import Foundation
import KioskRuntime
import Testing

@testable import KioskDevices

/// Every Vietnamese letter, lower case and capitals.
private let allLetters: String = {
    let vowels = "aăâeêioôơuưy"
    let tones = ["", "\u{0300}", "\u{0309}", "\u{0303}", "\u{0301}", "\u{0323}"]
    var out = "đĐ"
    for v in vowels { for t in tones { out += (String(v) + t).precomposedStringWithCanonicalMapping } }
    return out + out.uppercased()
}()

@Suite struct VietnameseTextTests {
    @Test func theTableHoldsEveryLetterOnce() {
        #expect(TCVN3.letters.count == 134)
        #expect(Set(TCVN3.letters).count == 134)
        for c in allLetters where !c.isASCII {
            #expect(TCVN3.encode(c) != nil, "\(c) is missing")
        }
        // No letter lands on a control byte (glibc's table puts Ứ on 0x11).
        for c in TCVN3.letters { #expect(TCVN3.encode(c)!.byte >= 0xA1) }
        #expect(TCVN3.encode("Ứ")!.byte == 0xF8)
        #expect(TCVN3.encode("Đ")! == (.upper, 0xA7))
        #expect(TCVN3.encode("đ")! == (.lower, 0xAE))
    }

    @Test func everyLetterEncodesAndDecodesBack() throws {
        var doc = EscPosDocument(textEncoding: .tcvn3(lowerPage: 30, upperPage: 31))
        doc.initialise()
        doc.line(allLetters)
        doc.line("ĐĂNG KÝ HỘ TỊCH - Chứng thực bản sao")
        let lines = try EscPosDecoder(tcvn3Pages: [30, 31]).text(doc.bytes)
        #expect(lines == [allLetters, "ĐĂNG KÝ HỘ TỊCH - Chứng thực bản sao"])
        // Only commands use bytes below 0x20: the text never does (0x11 would be XON to a serial port).
        var text: [UInt8] = []
        var i = 2
        while i < doc.bytes.count {
            if doc.bytes[i] == 0x1B {
                i += 3
                continue
            }  // ESC t n
            text.append(doc.bytes[i])
            i += 1
        }
        let controls = text.filter { $0 < 0x20 && $0 != 0x0A }
        #expect(controls.isEmpty)
    }

    @Test func pagesSwitchOnlyWhenTheCaseChanges() {
        var doc = EscPosDocument(textEncoding: .tcvn3(lowerPage: 30, upperPage: 31))
        doc.line("Hộ tịch ĐẤT")
        // ESC t 30 before "ộ"; "tịch" stays on it; ESC t 31 before "Đ"; "Ấ" stays.
        #expect(
            doc.bytes == [
                0x48, 0x1B, 0x74, 30, 0xE9, 0x20, 0x74, 0xDE, 0x63, 0x68, 0x20,
                0x1B, 0x74, 31, 0xA7, 0xCA, 0x54, 0x0A,
            ])
        // Decomposed input is composed first.
        var decomposed = EscPosDocument(textEncoding: .tcvn3(lowerPage: 30, upperPage: 31))
        decomposed.line("Ho\u{0323}\u{0302} ti\u{0323}ch ĐẤT")
        #expect(decomposed.bytes == doc.bytes)
    }

    @Test func rasterTextCarriesTheMarks() throws {
        let rasterizer = try TextRasterizer()
        let marked = rasterizer.render("Chứng thực", width: 576, pixels: 40)
        let plain = rasterizer.render("Chung thuc", width: 576, pixels: 40)
        #expect(marked.width == 576)
        #expect(marked.height >= 40)
        #expect(marked.blackDots > plain.blackDots, "the tone marks add ink")
        #expect(marked != plain)
        // Centred: as much white on the left as on the right (within a glyph's bearing).
        let columns = (0..<576).filter { x in (0..<marked.height).contains { marked[x, $0] } }
        #expect(abs(columns.first! - (575 - columns.last!)) <= 6)
        // Stacked marks on capitals rise above the font's ascender: nothing is cut off at the top.
        let stacked = rasterizer.render("PHIẾU SỐ", width: 576, pixels: 34, bold: true)
        let firstInk = (0..<stacked.height).first { y in (0..<576).contains { stacked[$0, y] } }
        #expect(firstInk.map { $0 > 0 } == true)
        #expect(stacked.blackDots > rasterizer.render("PHIÊU SÔ", width: 576, pixels: 34, bold: true).blackDots)
        // Long text wraps instead of running off the paper.
        let long = rasterizer.render("Trung tâm Phục vụ hành chính công xã Tân Phú, tỉnh Đồng Tháp", width: 384, pixels: 30)
        #expect(long.height >= 2 * 30)
    }

    @Test func escPosCommandsForTicketsAreTheDocumentedBytes() throws {
        var doc = EscPosDocument()
        doc.cancelChineseMode()
        doc.codePage(30)
        doc.qrCode(Array("https://x.vn/A015".utf8), moduleSize: 6)
        doc.cut(.full)
        let qrLength = 17 + 3
        #expect(
            doc.bytes == [
                0x1C, 0x2E, 0x1B, 0x74, 30,
                0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,
                0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06,
                0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,
                0x1D, 0x28, 0x6B, UInt8(qrLength), 0x00, 0x31, 0x50, 0x30,
            ] + Array("https://x.vn/A015".utf8)
                + [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30, 0x1D, 0x56, 0x41, 0x00])
        #expect(try EscPosDecoder().decode(doc.bytes) == [.qrCode("https://x.vn/A015"), .cut])
    }

    @Test func rasterImagesGoInStripesAndComeBackWhole() throws {
        var image = MonoBitmap(width: 20, height: 600)
        for y in 0..<600 { image[y % 20, y] = true }
        var doc = EscPosDocument()
        doc.raster(image)
        // 600 rows: stripes of 255, 255 and 90 rows, 3 bytes a row.
        #expect(Array(doc.bytes[0..<8]) == [0x1D, 0x76, 0x30, 0x00, 3, 0, 255, 0])
        #expect(doc.bytes.count == 3 * 8 + 600 * 3)
        #expect(Array(doc.bytes[(8 + 255 * 3)..<(16 + 255 * 3)]) == [0x1D, 0x76, 0x30, 0x00, 3, 0, 255, 0])
        #expect(Array(doc.bytes[(16 + 510 * 3)..<(24 + 510 * 3)]) == [0x1D, 0x76, 0x30, 0x00, 3, 0, 90, 0])
        let decoded = try EscPosDecoder().decode(doc.bytes)
        guard case .image(let back)? = decoded.first, decoded.count == 1 else {
            Issue.record("\(decoded)")
            return
        }
        #expect(back.height == 600)
        #expect((0..<600).allSatisfy { back[$0 % 20, $0] && !back[($0 + 1) % 20, $0] })
    }

    @Test func theDecoderRefusesWhatItDoesNotKnow() {
        #expect(throws: EscPosDecoder.Malformed.self) { try EscPosDecoder().decode([0x1B, 0x99]) }
        #expect(throws: EscPosDecoder.Malformed.self) { try EscPosDecoder().decode([0xA8]) }  // no page chosen
        #expect(throws: EscPosDecoder.Malformed.self) { try EscPosDecoder().decode([0x1D, 0x76, 0x30, 0x00, 1, 0, 9, 0, 1]) }
    }

    @Test func aPreviewIsAPNG() throws {
        var image = MonoBitmap(width: 16, height: 2)
        image[0, 0] = true
        let png = PNGWriter.png(image)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
        // IHDR: 16 × 2, 1 bit grayscale.
        #expect(Array(png[16..<29]) == [0, 0, 0, 16, 0, 0, 0, 2, 1, 0, 0, 0, 0])
    }
}
