import Testing

@testable import KioskCore

@Suite struct ReportPeriodTests {
    @Test(arguments: [
        ("2026-07", "2026-07-01", "2026-07-31", "Tháng 7 năm 2026", "2026-07"),
        ("2024-02", "2024-02-01", "2024-02-29", "Tháng 2 năm 2024", "2024-02"),
        ("2026-Q3", "2026-07-01", "2026-09-30", "Quý III năm 2026", "2026-Q3"),
        ("2026-q4", "2026-10-01", "2026-12-31", "Quý IV năm 2026", "2026-Q4"),
        ("2026-H1", "2026-01-01", "2026-06-30", "6 tháng đầu năm 2026", "2026-H1"),
        ("2026-H2", "2026-07-01", "2026-12-31", "6 tháng cuối năm 2026", "2026-H2"),
        ("2026-9M", "2026-01-01", "2026-09-30", "9 tháng năm 2026", "2026-9M"),
        ("2026", "2026-01-01", "2026-12-31", "Năm 2026", "2026"),
    ])
    func namedPeriodsCoverTheirDays(text: String, first: String, last: String, name: String, canonical: String) throws {
        let period = try #require(ReportPeriod(text))
        #expect(period.first.iso == first)
        #expect(period.last.iso == last)
        #expect(period.vietnameseName == name)
        #expect(period.description == canonical)
        #expect(ReportPeriod(period.description) == period, "the canonical text reads back")
    }

    @Test func everythingElseIsRefused() {
        for text in [
            "", "26", "2026-", "2026-7", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "2026-H3", "2026-8M", "2026-9m-1",
            "2026-07-01", "abcd", "٢٠٢٦", "2026-Q", "-2026",
        ] {
            #expect(ReportPeriod(text) == nil, "\(text)")
        }
    }

    @Test func englishNames() {
        #expect(ReportPeriod("2026-Q3")?.englishName == "Q3 2026")
        #expect(ReportPeriod("2026-07")?.englishName == "July 2026")
        #expect(ReportPeriod("2026-9M")?.englishName == "January to September 2026")
    }
}
