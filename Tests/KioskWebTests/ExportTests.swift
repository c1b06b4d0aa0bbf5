import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskStore
import Testing

@testable import KioskWeb

@Suite struct ExportTests {
    @Test func theExportOverHTTPIsTheReportByteForByte() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        let router = centre.daemon.router
        try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
        for _ in 0..<3 { try await router.perform(.issueTicket(service: ServiceCode("A"), priority: false)) }
        for level in [1, 3] {
            try await router.perform(.callNext(counter: CounterNumber(1)))
            try await router.perform(.finish(counter: CounterNumber(1), outcome: .served))
            try await router.perform(.rate(counter: CounterNumber(1), level: level))
        }
        let today = LocalDay(Date(), in: centre.daemon.config.timeZone)
        let report = try SatisfactionReport(
            database: centre.daemon.database, config: centre.daemon.config, from: today, to: today, by: .officer)
        try await centre.application.test(.router) { client in
            var leader = try await Browser.signedIn(client, as: "leader")
            let csv = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&by=officer&format=csv")
            #expect(csv.status == .ok)
            #expect(Data(buffer: csv.body) == report.csv(.full))
            #expect(String(buffer: csv.body).contains("an,Nguyễn Văn An,1,0,1,"))
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"bao-cao-officer-\(today.iso)-\(today.iso).csv\"")
            let filing = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&by=officer&layout=filing")
            #expect(Data(buffer: filing.body) == report.csv(.filing))
            // A named period: this month, by name; the same rows, and a title that names it.
            let month = ReportPeriod(year: today.year, span: .month(today.month))
            let named = try await leader.get(client, "/api/export?period=\(month)&by=officer&format=csv")
            #expect(named.status == .ok)
            #expect(named.headers[.contentDisposition] == "attachment; filename=\"bao-cao-officer-\(month).csv\"")
            let namedLines = String(buffer: named.body).components(separatedBy: "\r\n")
            #expect(
                namedLines[0] == "\u{FEFF}Báo cáo mức độ hài lòng theo cán bộ – Tháng \(today.month) năm \(today.year) "
                    + "(từ 01/\(today.month < 10 ? "0" : "")\(today.month)/\(today.year) đến \(month.last.vietnamese))")
            #expect(namedLines.contains { $0.hasPrefix("an,Nguyễn Văn An,1,0,1,") })
            let xlsx = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&format=xlsx")
            #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(Array(Data(buffer: xlsx.body).prefix(2)) == [0x50, 0x4B], "a ZIP file")
            for (query, words) in [
                ("from=2026-13-01&to=2026-12-31", "from:"), ("from=2026-01-01&to=2026-12-31&by=week", "by: week"),
                ("from=2026-01-01&to=2026-12-31&pretty=1", "unknown parameter pretty"),
                ("from=2026-01-01&to=2026-12-31&rows=ratings&format=xlsx", "too big for a workbook"),
                ("period=2026-Q3&from=2026-01-01", "not both"), ("period=2026-Q5", "2026-Q5 is not a period"),
            ] {
                let bad = try await leader.get(client, "/api/export?\(query)")
                #expect(bad.status == .badRequest, "\(query)")
                #expect(String(buffer: bad.body).contains(words), "\(query): \(String(buffer: bad.body))")
            }
            // An officer: their own rows by month, never another's, never single ratings.
            var an = try await Browser.signedIn(client, as: "an")
            let own = try await an.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&by=month&format=json")
            #expect(own.status == .ok)
            #expect(try await an.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=ratings").status == .forbidden)
        }
    }
}
