import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskStore
import Testing

@testable import KioskWeb

@Suite struct DossierTests {
    /// Two dossiers on one ticket, typed on the officer's page: the ticket's one rating counts
    /// for each of them once; the raw rows name them; an officer may not read them one by one.
    @Test func dossiersLinkTheirTicketAndItsRating() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        let router = centre.daemon.router
        for _ in 0..<2 { try await router.perform(.issueTicket(service: ServiceCode("A"), priority: false)) }
        let today = LocalDay(Date(), in: centre.daemon.config.timeZone)
        try await centre.application.test(.router) { client in
            var an = try await Browser.signedIn(client, as: "an")
            for body in [
                #"{"action": "sign-in", "counter": 1}"#, #"{"action": "next"}"#,
                #"{"action": "dossier", "code": "000.00.12.H56-250701-0001"}"#,
                #"{"action": "dossier", "code": "000.00.12.H56-250701-0002"}"#,
                #"{"action": "dossier", "code": "000.00.12.H56-250701-0002"}"#,
            ] {
                let response = try await an.post(client, "/api/officer/action", json: body)
                #expect(response.status == .ok, "\(body): \(String(buffer: response.body))")
            }
            let bad = try await an.post(client, "/api/officer/action", json: #"{"action": "dossier", "code": "two words"}"#)
            #expect(bad.status == .badRequest)
            try await router.perform(.rate(counter: CounterNumber(1), level: 2))
            #expect(
                try await an.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=dossiers").status == .forbidden,
                "an officer sees aggregates, never a rating per dossier")

            var leader = try await Browser.signedIn(client, as: "leader")
            let dossiers = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=dossiers&format=json")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: dossiers.body)) as? [[String: Any]])
            #expect(
                rows.map { $0["dossier"] as? String } == ["000.00.12.H56-250701-0001", "000.00.12.H56-250701-0002"],
                "the code typed twice is one dossier")
            #expect(rows.allSatisfy { $0["ticket"] as? String == "A001" && $0["officer"] as? String == "an" && $0["level"] as? Int == 2 })
            let csv = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=dossiers")
            #expect(
                String(buffer: csv.body).components(separatedBy: "\r\n")[0]
                    == "\u{FEFF}Mã hồ sơ,Số phiếu,Cán bộ,Quầy,Dịch vụ,Giờ,Mức,Nhãn,Lý do")

            let tickets = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=tickets&format=json")
            let ticketRows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: tickets.body)) as? [[String: Any]])
            #expect(ticketRows.map { $0["dossiers"] as? String } == ["000.00.12.H56-250701-0001 000.00.12.H56-250701-0002", nil])
            let ratings = try await leader.get(client, "/api/export?from=\(today.iso)&to=\(today.iso)&rows=ratings&format=json")
            let ratingRows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: ratings.body)) as? [[String: Any]])
            #expect(ratingRows.first?["dossiers"] as? String == "000.00.12.H56-250701-0001 000.00.12.H56-250701-0002")
        }
    }
}
