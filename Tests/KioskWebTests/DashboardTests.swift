import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskStore
import KioskTestSupport
import Testing

@testable import KioskWeb

@Suite struct DashboardTests {
    @Test func theLeaderSeesTodayPerCounterOfficerAndServiceWithPictures() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        let router = centre.daemon.router
        try await router.perform(.signIn(counter: CounterNumber(1), officer: OfficerID("an")))
        for service in ["A", "A", "B", "B"] { try await router.perform(.issueTicket(service: ServiceCode(service), priority: false)) }
        try await router.perform(.callNext(counter: CounterNumber(1)))
        try await router.perform(.finish(counter: CounterNumber(1), outcome: .served))
        try await router.perform(.rate(counter: CounterNumber(1), level: 1))
        try await centre.application.test(.router) { client in
            var leader = try await Browser.signedIn(client, as: "leader")
            let page = String(buffer: try await leader.get(client, "/dashboard").body)
            #expect(page.contains("<h3>Theo quầy</h3>"))
            // Counter 1 (services A and B): three still waiting, one served; counter 2 (B): two waiting.
            #expect(page.contains("<tr><td>Quầy số 1</td><td>3</td><td>1</td>"), "\(page)")
            #expect(page.contains("<td>Nguyễn Văn An</td><td>1</td>"))
            #expect(page.contains("<td>Hộ tịch</td><td>2</td><td>0</td>"))
            #expect(page.contains("Tỷ lệ hài lòng <strong>100.0 %</strong>"))
            // Three pictures drawn by the daemon, no script library.
            #expect(page.components(separatedBy: "<svg ").count - 1 == 3)
            #expect(page.contains("aria-label=\"Số phiếu theo giờ hôm nay"))
            #expect(!page.contains("<script src"))
            // After a change a page load still answers at once (the old copy), and a new copy
            // follows in the background, at most two seconds after the last.
            try await router.perform(.callNext(counter: CounterNumber(1)))
            try await router.perform(.finish(counter: CounterNumber(1), outcome: .served))
            let started = ContinuousClock.now
            try await waitUntil("the new copy", seconds: 5) {
                String(buffer: try await leader.get(client, "/dashboard/content").body).contains("<td>Nguyễn Văn An</td><td>2</td>")
            }
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }
}
