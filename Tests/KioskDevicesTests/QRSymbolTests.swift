import KioskTestSupport
import Testing

@testable import KioskDevices

@Suite struct QRSymbolTests {
    @Test(arguments: ["A015", "https://dichvucong.gov.vn/t/2026-03-02/A015", String(repeating: "0123456789", count: 20)])
    func whatIsEncodedReadsBack(text: String) throws {
        let symbol = try #require(QRSymbol(Array(text.utf8)))
        #expect((symbol.size - 17) % 4 == 0 && symbol.size >= 21, "a QR code's side: 21, 25, 29, …")
        let image = symbol.bitmap(moduleSize: symbol.moduleSize(fitting: 384), width: 384)
        #expect(image.width == 384)
        #expect(try QRReader.read(image) == [text])
    }

    @Test func theSmallestSymbolAndItsQuietZone() throws {
        let symbol = try #require(QRSymbol(Array("A015".utf8)))
        #expect(symbol.size == 21, "four characters fit version 1")
        let image = symbol.bitmap(moduleSize: 6, width: 0)
        #expect(image.width == (21 + 8) * 6 && image.height == image.width)
        // The quiet zone is white; the finder pattern's corner is black.
        #expect((0..<24).allSatisfy { !image[$0, $0] && !image[$0, 0] })
        #expect(image[24, 24] && image[24 + 6 * 7 - 1, 24])
    }

    @Test func tooMuchForAQRCodeIsNil() {
        #expect(QRSymbol(Array(repeating: 0x41, count: 5000)) == nil)
        #expect(QRSymbol([]) == nil)
    }

    @Test func theModuleSizeFitsThePaper() throws {
        let symbol = try #require(QRSymbol(Array(String(repeating: "x", count: 100).utf8)))
        let size = symbol.moduleSize(fitting: 384)
        #expect((symbol.size + 8) * size <= 384)
        #expect(size <= 6)
    }
}
