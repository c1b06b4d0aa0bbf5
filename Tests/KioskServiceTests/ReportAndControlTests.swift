import Foundation
import KioskCore
import Testing
@testable import KioskService

@Suite struct ReportAndControlTests {
    @Test func csvCellsAreQuotedAndFormulasNeutralised() {
        #expect(SatisfactionReport.csvCell("Nguyễn Văn An") == "Nguyễn Văn An")
        #expect(SatisfactionReport.csvCell("Đất đai, Xây dựng") == "\"Đất đai, Xây dựng\"")
        #expect(SatisfactionReport.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(SatisfactionReport.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(SatisfactionReport.csvCell("@SUM(A1)") == "'@SUM(A1)")
        #expect(SatisfactionReport.csvCell("+84 912") == "'+84 912")
        #expect(SatisfactionReport.csvCell("-5") == "-5")
        #expect(SatisfactionReport.percent(2.0 / 3.0) == "66.7")
        #expect(SatisfactionReport.percent(nil) == "")
    }

    @Test func controlRequestsParse() throws {
        #expect(try ControlRequest.parse("sign-in 3 nguyen.van.an").get() == .signIn(counter: CounterNumber(3), officer: OfficerID("nguyen.van.an")))
        #expect(try ControlRequest.parse("next 2").get() == .callNext(counter: CounterNumber(2)))
        #expect(try ControlRequest.parse("call 2 A015").get() == .callNumber(counter: CounterNumber(2), display: "A015"))
        #expect(try ControlRequest.parse("finish 2 incomplete").get() == .finish(counter: CounterNumber(2), outcome: .incomplete))
        #expect(try ControlRequest.parse("transfer 1 service B").get() == .transfer(counter: CounterNumber(1), to: .service(ServiceCode("B"))))
        #expect(try ControlRequest.parse("transfer 1 counter 4").get() == .transfer(counter: CounterNumber(1), to: .counter(CounterNumber(4))))
        #expect(try ControlRequest.parse("return 1").get() == .returnHeld(counter: CounterNumber(1), display: nil))
        #expect(try ControlRequest.parse("issue A priority").get() == .issueTicket(service: ServiceCode("A"), priority: true))
        for bad in ["", "next", "next one", "finish 2 great", "rate 1 1", "sign-in 1", "transfer 1 desk 2"] {
            #expect(throws: ControlRequest.Malformed.self, "\(bad)") { try ControlRequest.parse(bad).get() }
        }
    }

    @Test func theTicketSaysWhatTheCitizenNeeds() {
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let issued = LocalDay(year: 2026, month: 3, day: 2).start(in: zone).addingTimeInterval(8 * 3600 + 5 * 60)
        let ticket = Ticket(id: TicketID(1), day: LocalDay(year: 2026, month: 3, day: 2), service: ServiceCode("A"), sequence: 15,
                            number: 15, display: "A015", priority: true, issuedAt: issued)
        let renderer = TicketRenderer(centreName: "Xã Tân Phú", layout: TicketLayout(title: "PHIẾU SỐ THỨ TỰ", footer: ["Xin cảm ơn!"]),
                                      timeZone: zone, text: .ascii)
        let text = String(decoding: renderer.render(ticket, serviceName: "Chứng thực", waitingAhead: 4).filter { $0 >= 0x20 || $0 == 0x0A }, as: UTF8.self)
        for expected in ["Xa Tan Phu", "PHIEU SO THU TU", "A015\n", "UU TIEN", "Chung thuc", "cho truoc ban: 4", "02/03/2026 08:05", "Xin cam on!"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
    }
}
