import Foundation
import KioskCore
import KioskDevices
import KioskRuntime
import KioskTestSupport
import Testing

@testable import KioskService

@Suite struct ReportAndControlTests {
    /// A JSON row is one flat object: the row's keys beside the figures every report writes
    /// (one definition, `SatisfactionReport.JSONFigures`, shared with the province's report).
    @Test func aJSONRowCarriesItsKeysAndTheFiguresFlat() throws {
        let day = LocalDay(year: 2026, month: 11, day: 27)
        let row = SatisfactionReport.Row(
            key: "an", name: "Nguyễn Văn An",
            figures: SatisfactionFigures(levelCounts: [3, 1, 1], satisfiedCount: 4, finished: 6, ratedFinished: 5),
            times: ServiceTimes(called: 6, noShows: 1, transfers: 0, meanWait: 100.123456, p90Wait: 200, meanService: 60.0004),
            reasonCounts: ["Thái độ phục vụ": 1])
        let report = SatisfactionReport(
            from: day, to: day, grouping: .officer, levelLabels: ["Hài lòng", "Bình thường", "Không hài lòng"], reasonLabels: [],
            rows: [row])
        let document = try JSONSerialization.jsonObject(with: try report.json()) as? [String: Any]
        let first = try #require((document?["rows"] as? [[String: Any]])?.first)
        #expect(
            Set(first.keys)
                == [
                    "key", "name", "levelCounts", "rated", "finished", "ratedFinished", "satisfactionRate", "responseRate",
                    "meanWaitSeconds",
                    "p90WaitSeconds", "meanServiceSeconds", "noShows", "transfers", "reasonCounts",
                ])
        #expect(first["key"] as? String == "an" && first["rated"] as? Int == 5 && first["finished"] as? Int == 6)
        #expect(first["meanWaitSeconds"] as? Double == 100.123, "means to the millisecond")
        #expect(first["reasonCounts"] as? [String: Int] == ["Thái độ phục vụ": 1])
    }

    @Test func csvCellsAreQuotedAndFormulasNeutralised() {
        #expect(SatisfactionReport.csvCell("Nguyễn Văn An") == "Nguyễn Văn An")
        #expect(SatisfactionReport.csvCell("Đất đai, Xây dựng") == "\"Đất đai, Xây dựng\"")
        #expect(SatisfactionReport.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(SatisfactionReport.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(SatisfactionReport.csvCell("@SUM(A1)") == "'@SUM(A1)")
        #expect(SatisfactionReport.csvCell("+84 912") == "'+84 912")
        #expect(SatisfactionReport.csvCell("-5") == "-5")
        // Wherever a spreadsheet could start a new cell (Excel on Vietnamese Windows splits on ;).
        #expect(SatisfactionReport.csvCell("x;=HYPERLINK(\"http://evil\")") == "\"x;'=HYPERLINK(\"\"http://evil\"\")\"")
        #expect(SatisfactionReport.csvCell("a|+1\tb@c") == "a|'+1\tb@c")
        #expect(SatisfactionReport.csvCell("ok; -cmd") == "ok; '-cmd")
        #expect(SatisfactionReport.csvCell("000.00.12.H56-250701-0001") == "000.00.12.H56-250701-0001")
        #expect(SatisfactionReport.percent(2.0 / 3.0) == "66.7")
        #expect(SatisfactionReport.percent(nil) == "")
    }

    @Test func controlRequestsParse() throws {
        #expect(
            try ControlRequest.parse("sign-in 3 nguyen.van.an").get()
                == .signIn(counter: CounterNumber(3), officer: OfficerID("nguyen.van.an")))
        #expect(try ControlRequest.parse("next 2").get() == .callNext(counter: CounterNumber(2)))
        #expect(try ControlRequest.parse("call 2 A015").get() == .callNumber(counter: CounterNumber(2), display: "A015"))
        #expect(try ControlRequest.parse("finish 2 incomplete").get() == .finish(counter: CounterNumber(2), outcome: .incomplete))
        #expect(
            try ControlRequest.parse("transfer 1 service B").get() == .transfer(counter: CounterNumber(1), to: .service(ServiceCode("B"))))
        #expect(
            try ControlRequest.parse("transfer 1 counter 4").get() == .transfer(counter: CounterNumber(1), to: .counter(CounterNumber(4))))
        #expect(try ControlRequest.parse("return 1").get() == .returnHeld(counter: CounterNumber(1), display: nil))
        #expect(try ControlRequest.parse("issue A priority").get() == .issueTicket(service: ServiceCode("A"), priority: true))
        for bad in ["", "next", "next one", "finish 2 great", "rate 1 1", "sign-in 1", "transfer 1 desk 2"] {
            #expect(throws: ControlRequest.Malformed.self, "\(bad)") { try ControlRequest.parse(bad).get() }
        }
    }

}

@Suite struct TicketRenderingTests {
    let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    var ticket: Ticket {
        Ticket(
            id: TicketID(7), day: LocalDay(year: 2026, month: 3, day: 2), service: ServiceCode("A"), sequence: 15, number: 15,
            display: "A015", priority: true,
            issuedAt: LocalDay(year: 2026, month: 3, day: 2).start(in: zone).addingTimeInterval(8 * 3600 + 5 * 60))
    }
    let layout = TicketLayout(
        title: "PHIẾU SỐ THỨ TỰ", footer: ["Vui lòng giữ phiếu.", "Xin cảm ơn!"], qrURL: "https://xa.vn/t/{day}/{number}")

    func renderer(_ profile: String, text: PrinterProfile.TextMode? = nil) throws -> TicketRenderer {
        var p = try #require(PrinterProfile.named(profile))
        if let text { p.textMode = text }
        return TicketRenderer(
            centreName: "Xã Tân Phú", layout: layout, timeZone: zone, profile: p,
            rasterizer: p.textMode == .raster ? try TextRasterizer() : nil)
    }

    @Test func aTCVN3TicketReadsBackInVietnamese() throws {
        let bytes = try renderer("epson-tm-t82").render(ticket, serviceName: "Chứng thực", waitingAhead: 4)
        let elements = try EscPosDecoder(tcvn3Pages: [30, 31]).decode(bytes)
        let lines = elements.compactMap { if case .text(let l) = $0 { l } else { nil } }
        #expect(
            lines.map(\.text) == [
                "Xã Tân Phú", "PHIẾU SỐ THỨ TỰ", "A015", "*** ƯU TIÊN ***", "Chứng thực",
                "Số người đang chờ trước bạn: 4", "02/03/2026 08:05", "Vui lòng giữ phiếu.", "Xin cảm ơn!",
            ])
        let number = try #require(lines.first { $0.text == "A015" })
        #expect(number.width == 4 && number.height == 4 && number.bold && number.alignment == .center)
        #expect(elements.contains(.qrCode("https://xa.vn/t/2026-03-02/A015")))
        #expect(elements.last == .cut)
        #expect(Array(bytes.prefix(2)) == [0x1B, 0x40])
        #expect(!bytes.starts(with: [0x1B, 0x40, 0x1C, 0x2E]), "Epson needs no FS .")
    }

    @Test(arguments: ["epson-tm-t82", "xprinter-80", "generic-58"])
    func theTicketsQRCodeReadsBackFromWhatThePrinterGot(profile: String) throws {
        let r = try renderer(profile)
        let bytes = r.render(ticket, serviceName: "Chứng thực", waitingAhead: 4)
        let native = bytes.indices.contains { bytes[$0...].starts(with: [0x1D, 0x28, 0x6B]) }
        #expect(native == (r.profile.qr == .native), "generic-58 gets the code as an image, the others as GS ( k")
        // The bytes, decoded and laid out as the paper would look, then read by zbarimg.
        let elements = try EscPosDecoder(tcvn3Pages: [30, 31]).decode(bytes)
        let paper = PaperPreview.render(elements, width: r.profile.widthDots, rasterizer: try TextRasterizer())
        #expect(try QRReader.read(paper) == ["https://xa.vn/t/2026-03-02/A015"])
    }

    @Test func theWaitEstimateIsPrintedOnlyWhenThereIsOne() throws {
        var estimated = ticket
        estimated.estimatedWait = 14 * 60
        let lines = try EscPosDecoder(tcvn3Pages: [30, 31]).text(
            try renderer("epson-tm-t82").render(estimated, serviceName: "Chứng thực", waitingAhead: 4))
        #expect(lines.contains("Thời gian chờ dự kiến: khoảng 15 phút"))
        let without = try EscPosDecoder(tcvn3Pages: [30, 31]).text(
            try renderer("epson-tm-t82").render(ticket, serviceName: "Chứng thực", waitingAhead: 4))
        #expect(!without.contains { $0.hasPrefix("Thời gian chờ") })
    }

    @Test func anASCIITicketDropsOnlyTheMarks() throws {
        let bytes = try renderer("epson-tm-t82", text: .ascii).render(ticket, serviceName: "Chứng thực", waitingAhead: 4)
        let lines = try EscPosDecoder().text(bytes)
        #expect(lines.contains("PHIEU SO THU TU"))
        #expect(lines.contains("Chung thuc"))
        #expect(bytes.allSatisfy { $0 < 0x80 || $0 == 0xFF || true })
        #expect(!bytes.contains { $0 >= 0x80 })
    }

    @Test func aRasterTicketIsAPictureOfTheVietnameseText() throws {
        let r = try renderer("xprinter-80")
        let bytes = r.render(ticket, serviceName: "Chứng thực", waitingAhead: 4)
        #expect(Array(bytes.prefix(4)) == [0x1B, 0x40, 0x1C, 0x2E], "Xprinter firmware leaves Chinese mode first")
        let elements = try EscPosDecoder().decode(bytes)
        guard case .image(let picture)? = elements.first(where: { if case .image = $0 { true } else { false } }) else {
            Issue.record("no image in \(elements)")
            return
        }
        #expect(picture.width == 576)
        let rasterizer = try TextRasterizer()
        func contains(_ block: MonoBitmap) -> Bool {
            (0...(picture.height - block.height)).contains { picture.rows($0..<$0 + block.height) == block }
        }
        #expect(contains(rasterizer.render("Chứng thực", width: 576, pixels: 40, bold: true)))
        #expect(!contains(rasterizer.render("Chung thuc", width: 576, pixels: 40, bold: true)))
        #expect(contains(rasterizer.render("Số người đang chờ trước bạn: 4", width: 576, pixels: 28)))
        #expect(contains(rasterizer.render("A015", width: 576, pixels: 150, bold: true)))
        #expect(bytes.count > 20_000 && bytes.count < 80_000, "\(bytes.count) bytes")
    }
}

@Suite struct XLSXTests {
    @Test func columnsAndTheZipContainer() {
        #expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(XLSXWriter.column) == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"])
        let book = XLSXWriter.workbook([XLSXWriter.Sheet(name: "Tổng hợp", rows: [["Quầy", "Số"], ["1", "=2+3"]], textColumns: [])])
        #expect(Array(book.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(book.suffix(22).prefix(4)) == [0x50, 0x4B, 0x05, 0x06], "ends with the central directory's end record")
        let text = String(decoding: book, as: UTF8.self)
        #expect(text.contains("<c r=\"A2\"><v>1</v></c>"), "a number is a number")
        #expect(text.contains("<t xml:space=\"preserve\">=2+3</t>"), "a formula-looking text stays text")
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func idsStayTextNumbersStayFiniteAndXMLStaysValid() throws {
        let rows = [
            ["Mã cán bộ", "Họ và tên", "Số lượt", "Tỷ lệ (%)"],
            ["nan", "A\u{1}n\u{8} \u{FFFE}Bình", "12", "66.7"],
            ["inf", "x", "-3", "nan"],
            ["1e3", "y", "007", "+5"],
            ["007", "z", "0", "0.5"],
        ]
        let book = String(decoding: XLSXWriter.workbook([XLSXWriter.Sheet(name: "S", rows: rows, textColumns: [0, 1])]), as: UTF8.self)
        let sheet = try #require(book.range(of: "<worksheet"))
        let text = String(book[sheet.lowerBound...].prefix { $0 != "\u{0}" }).components(separatedBy: "</worksheet>")[0]
        for id in ["nan", "inf", "1e3", "007"] {
            #expect(text.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">\(id)</t>"), "officer \(id) is text")
        }
        #expect(!text.contains("<v>nan</v>") && !text.contains("<v>inf</v>") && !text.contains("<v>1000</v>") && !text.contains("<v>7</v>"))
        #expect(text.contains("<c r=\"C2\"><v>12</v></c>") && text.contains("<c r=\"D2\"><v>66.7</v></c>"))
        #expect(text.contains("<c r=\"C3\"><v>-3</v></c>") && text.contains("<c r=\"D5\"><v>0.5</v></c>"))
        #expect(text.contains(">An Bình</t>"), "control characters and U+FFFE left out")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
}
