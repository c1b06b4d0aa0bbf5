import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskStore
import Testing

@testable import KioskWeb

@Suite struct OfficerPageTests {
    struct Reply: Decodable {
        struct View: Decodable {
            var counter: Int?
            var serving: String?
            var held: [String]
            var waiting: [Waiting]
        }
        struct Waiting: Decodable { var number: String }
        var done: [String]
        var view: View
    }

    @Test func anOfficerWorksACounterFromThePageAndTheAuditLogSaysWho() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        for service in ["A", "A", "B"] {
            try await centre.daemon.router.perform(.issueTicket(service: ServiceCode(service), priority: false))
        }
        try await centre.application.test(.router) { client in
            var an = try await Browser.signedIn(client, as: "an")
            func act(_ json: String) async throws -> (HTTPResponse.Status, Reply?, String) {
                let response = try await an.post(client, "/api/officer/action", json: json)
                let text = String(buffer: response.body)
                return (response.status, try? JSONDecoder().decode(Reply.self, from: Data(text.utf8)), text)
            }
            // Not at a counter yet: "next" says so.
            let early = try await act(#"{"action": "next"}"#)
            #expect(early.0 == .conflict)
            #expect(early.2.contains("chưa ngồi quầy nào"))

            let signIn = try await act(#"{"action": "sign-in", "counter": 1}"#)
            #expect(signIn.1?.view.counter == 1)
            #expect(signIn.1?.view.waiting.map(\.number) == ["A001", "A002", "B001"])
            let next = try await act(#"{"action": "next"}"#)
            #expect(next.1?.done == ["ticketCalled"])
            #expect(next.1?.view.serving == "A001")
            let hold = try await act(#"{"action": "hold"}"#)
            #expect(hold.1?.view.held == ["A001"])
            let call = try await act(#"{"action": "call", "number": "B001"}"#)
            #expect(call.1?.view.serving == "B001")
            let transfer = try await act(#"{"action": "transfer", "service": "A"}"#)
            #expect(transfer.0 == .ok)
            let again = try await act(#"{"action": "return", "number": "A001"}"#)
            #expect(again.1?.view.serving == "A001")
            let finish = try await act(#"{"action": "finish", "outcome": "incomplete"}"#)
            #expect(finish.1?.done == ["ticketFinished"])
            // A refusal of the rules: 409 with the reason in Vietnamese.
            let recall = try await act(#"{"action": "recall"}"#)
            #expect(recall.0 == .conflict)
            #expect(recall.2.contains("quầy chưa phục vụ số nào"))
            let bad = try await act(#"{"action": "finish", "outcome": "great"}"#)
            #expect(bad.0 == .badRequest)

            // The hall display shows what the page did.
            let display = String(buffer: try await an.get(client, "/api/queue").body)
            #expect(display.contains("\"number\":\"A001\""))

            // The admin's audit page names the officer for each change.
            var admin = try await Browser.signedIn(client, as: "admin")
            let audit = String(buffer: try await admin.get(client, "/admin/audit").body)
            for action in ["officerSignedIn", "ticketCalled", "ticketHeld", "ticketTransferred", "ticketReturned", "ticketFinished"] {
                #expect(audit.contains("<td>an</td><td>\(action)</td>"), "\(action) by an in the audit page")
            }
        }
        // In the database: the events carry the actor; keypad-made ones do not.
        let entries = try centre.daemon.database.auditLog(limit: 100)
        #expect(entries.filter { $0.action == "ticketIssued" }.isEmpty, "tickets from the kiosk have no actor")
        #expect(entries.contains { $0.action == "ticketCalled" && $0.actor == "an" && $0.detail.contains("A001") })
    }

    @Test func oneOfficerAtOneCounter() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            var an = try await Browser.signedIn(client, as: "an")
            _ = try await an.post(client, "/api/officer/action", json: #"{"action": "sign-in", "counter": 1}"#)
            _ = try await an.post(client, "/api/officer/action", json: #"{"action": "sign-in", "counter": 2}"#)
            let state = await centre.daemon.engine.snapshot
            #expect(state.counters[CounterNumber(1)]?.officer == nil)
            #expect(state.counters[CounterNumber(2)]?.officer == OfficerID("an"))
        }
    }
}
