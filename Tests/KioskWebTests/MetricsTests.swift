import Foundation
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskTestSupport
import Testing

@testable import KioskWeb

@Suite struct MetricsTests {
    @Test func metricsCountWhatTheHallDid() async throws {
        let centre = try await WebTestCentre(extraConfig: "")
        defer { centre.remove() }
        let router = centre.daemon.router
        try await centre.application.test(.router) { client in
            var admin = try await Browser.signedIn(client, as: "admin")
            // The metrics follow the event stream from their subscription on.
            #expect(await centre.readiness.waitForAll(limit: .seconds(10)).isEmpty, "the metrics subscribed")
            try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
            for _ in 0..<3 { try await router.perform(.issueTicket(service: ServiceCode("A"), priority: false)) }
            try await router.perform(.callNext(counter: CounterNumber(1)))
            try await router.perform(.rate(counter: CounterNumber(1), level: 2))
            router.droppedPresses.count(keypad: "kiosk", .bounce)
            _ = try await admin.get(client, "/display")
            var text = ""
            try await waitUntil("the metrics heard every event") {
                text = String(buffer: try await admin.get(client, "/metrics").body)
                return text.contains(#"kiosk_ratings_total{level="2",flag="none"} 1"#)
            }
            #expect(text.contains(#"kiosk_tickets_issued_total{service="A"} 3"#), "\(text)")
            #expect(text.contains(#"kiosk_calls_total{counter="1",recall="false"} 1"#))
            #expect(text.contains(#"kiosk_waiting{service="A"} 2"#))
            #expect(text.contains(#"kiosk_http_requests_total{route="/display",status="200"} 1"#))
            #expect(text.contains("# TYPE kiosk_print_duration_seconds histogram"))
            #expect(text.contains(#"kiosk_presses_dropped_total{keypad="kiosk",reason="bounce"} 1"#), "\(text)")
            #expect(text.contains(#"kiosk_push_clients{page="display"} 0"#) && text.contains(#"kiosk_push_clients{page="officer"} 0"#))
        }
    }
}
