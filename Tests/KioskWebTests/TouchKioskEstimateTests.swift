import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import Testing

@testable import KioskWeb

@Suite struct TouchKioskEstimateTests {
    /// The touch kiosk says the wait once the day has five services of history, not before.
    @Test func theTouchKioskSaysTheWaitOnceItCan() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        let router = centre.daemon.router
        try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
        try await centre.application.test(.router) { client in
            func take() async throws -> [String: Any] {
                let response = try await client.execute(
                    uri: "/api/kiosk/tickets", method: .post,
                    headers: [.contentType: "application/json", Browser.fetchSite: "same-origin"],
                    body: ByteBuffer(string: #"{"service": "A"}"#))
                #expect(response.status == .created)
                return try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
            }
            for _ in 0..<5 {
                #expect(try await take()["estimatedWait"] == nil, "too little history")
                try await router.perform(.callNext(counter: CounterNumber(1)))
                try await router.perform(.finish(counter: CounterNumber(1), outcome: .served))
            }
            // Five services of a moment each, a free counter: no wait to speak of.
            #expect(try await take()["estimatedWait"] as? String == "dưới 5 phút")
        }
    }
}
