import Foundation
import Testing

@testable import KioskCore

@Suite struct DateTextTests {
    /// Dates spread over 1970–2100, a few on each side of daylight-saving changes.
    let dates: [Date] =
        (0..<2000).map { Date(timeIntervalSince1970: Double($0) * 2_069_123.457) }
        + [1_710_054_000, 1_710_053_999, 1_730_613_600, 1_730_613_599, 1_798_761_599].map { Date(timeIntervalSince1970: $0) }

    func formatter(_ pattern: String, _ zone: TimeZone) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.calendar = Calendar(identifier: .gregorian)
        f.timeZone = zone
        f.dateFormat = pattern
        return f
    }

    @Test(arguments: ["Asia/Ho_Chi_Minh", "America/New_York", "UTC"])
    func localTextIsWhatDateFormatterWrites(zoneName: String) {
        let zone = TimeZone(identifier: zoneName)!
        for pattern in ["HH:mm dd/MM/yyyy", "yyyy-MM-dd HH:mm:ss", "dd/MM HH:mm:ss", "yyyy-MM-dd-HHmm"] {
            let reference = formatter(pattern, zone)
            for date in dates {
                #expect(DateText.format(date, in: zone, pattern) == reference.string(from: date), "\(pattern) at \(date)")
            }
        }
    }

    @Test func httpDatesAreRFC9110s() {
        let reference = formatter("EEE, dd MMM yyyy HH:mm:ss 'GMT'", TimeZone(identifier: "GMT")!)
        for date in dates { #expect(DateText.http(date) == reference.string(from: date)) }
        #expect(DateText.http(Date(timeIntervalSince1970: 1_796_169_583)) == "Tue, 01 Dec 2026 23:59:43 GMT")
    }

    @Test func iso8601IsUTCToTheSecond() {
        #expect(DateText.iso8601(Date(timeIntervalSince1970: 1_796_169_583.9)) == "2026-12-01T23:59:43Z")
        #expect(DateText.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
