import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskStore
import Testing

@testable import KioskWeb

@Suite struct RatingReasonTests {
    static let config = """
        [rating]
        reasons = ["Thái độ phục vụ", "Thời gian chờ lâu", "Hướng dẫn chưa rõ", "Khác"]
        reason_seconds = 20
        """

    /// A dissatisfied press, then key 2: the rating row carries "Thời gian chờ lâu", the
    /// officer's report counts it, and the counter screen was asked, not thanked, until then.
    @Test func aReasonReachesTheRowTheReportAndTheCounterScreen() async throws {
        let centre = try await WebTestCentre(extraConfig: Self.config)
        defer { centre.remove() }
        let router = centre.daemon.router
        let (_, events) = await centre.daemon.engine.subscribe(buffer: 64)
        try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
        for _ in 0..<2 { try await router.perform(.issueTicket(service: ServiceCode("A"), priority: false)) }
        try await router.perform(.callNext(counter: CounterNumber(1)))
        try await router.perform(.rate(counter: CounterNumber(1), level: 3))  // "Không hài lòng": asks
        try await router.perform(.rate(counter: CounterNumber(1), level: 2))  // the reason: "Thời gian chờ lâu"
        try await router.perform(.callNext(counter: CounterNumber(1)))
        try await router.perform(.rate(counter: CounterNumber(1), level: 1))  // A001 again, still at the keypad: flagged, asks nothing
        try await router.perform(.rate(counter: CounterNumber(1), level: 2))  // a vote again (flagged), not a reason

        var kinds: [String] = []
        for await event in events {
            kinds.append(event.name)
            if kinds.filter({ $0 == "ratingRecorded" }).count == 3 { break }
        }
        #expect(kinds.filter { $0.hasPrefix("rating") } == ["ratingRecorded", "ratingReasonGiven", "ratingRecorded", "ratingRecorded"])

        let today = LocalDay(Date(), in: centre.daemon.config.timeZone)
        try await centre.application.test(.router) { client in
            var leader = try await Browser.signedIn(client, as: "leader")
            let raw = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=ratings&format=json")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: raw.body)) as? [[String: Any]])
            #expect(rows.map { $0["reason"] as? String } == ["Thời gian chờ lâu", nil, nil])
            let csv = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=ratings")
            let lines = String(buffer: csv.body).components(separatedBy: "\r\n")
            #expect(lines[0].hasSuffix(",Cờ,Lý do,Mã hồ sơ"))
            #expect(lines[1].hasSuffix(",Thời gian chờ lâu,"))

            let summary = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&by=officer")
            let table = String(buffer: summary.body).components(separatedBy: "\r\n")
            #expect(table[1].hasSuffix(",Lý do: Thái độ phục vụ,Lý do: Thời gian chờ lâu,Lý do: Hướng dẫn chưa rõ,Lý do: Khác"))
            #expect(table[2].hasPrefix("an,Nguyễn Văn An,0,0,1,") && table[2].hasSuffix(",0,1,0,0"), "\(table[2])")
            let json = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&by=officer&format=json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [String: Any])
            let first = try #require((document["rows"] as? [[String: Any]])?.first)
            #expect(first["reasonCounts"] as? [String: Int] == ["Thời gian chờ lâu": 1])

            // The counter screen carries the question and the reasons under their keys' numbers.
            let page = String(buffer: try await client.execute(uri: "/display/counter/1", method: .get).body)
            #expect(page.contains("Vui lòng cho biết lý do"))
            #expect(page.contains("<li><b>2</b> Thời gian chờ lâu</li>"))
            // The hall display never shows a reason.
            let hall = String(buffer: try await client.execute(uri: "/display", method: .get).body)
            #expect(!hall.contains("Thời gian chờ lâu"))
        }
    }

    @Test func aKeyPastTheScaleNeedsAReason() async throws {
        let config =
            Self.config + "\n" + """
                [[keypads]]
                name = "rating-1"
                role = "rating"
                counter = 1
                path = "/dev/null"
                [keypads.keys]
                KEY_KP1 = 1
                KEY_KP4 = 4
                KEY_KP5 = 5
                """
        await #expect(throws: ConfigError.self) { try await WebTestCentre(extraConfig: config) }
        let fits = config.replacingOccurrences(of: "KEY_KP5 = 5\n", with: "").replacingOccurrences(of: "KEY_KP5 = 5", with: "")
        let centre = try await WebTestCentre(extraConfig: fits)
        centre.remove()
    }
}
