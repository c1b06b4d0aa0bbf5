import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskCore
import KioskService
import KioskStore
import Testing

@testable import KioskWeb

@Suite struct AdminPagesTests {
    @Test func theAdminAddsDisablesAndResetsAccountsFromThePage() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        try await centre.application.test(.router) { client in
            var admin = try await Browser.signedIn(client, as: "admin")
            let csrf = admin.csrf ?? ""
            let added = try await admin.post(
                client, "/admin/accounts",
                form: "csrf=\(csrf)&id=le.thi.cuc&name=L%C3%AA%20Th%E1%BB%8B%20C%C3%BAc&role=officer&password=cuc-password-1")
            #expect(added.status == .seeOther)
            let page = String(buffer: try await admin.get(client, added.headers[.location] ?? "").body)
            #expect(page.contains("Đã thêm tài khoản le.thi.cuc."))
            #expect(page.contains("<td>Lê Thị Cúc</td>"))
            // A bad id is refused with the reason, and nothing is added.
            let bad = try await admin.post(client, "/admin/accounts", form: "csrf=\(csrf)&id=Bad%20Id&name=X&role=officer")
            #expect(String(buffer: try await admin.get(client, bad.headers[.location] ?? "").body).contains("tên đăng nhập không hợp lệ"))
            #expect(try centre.daemon.database.officer(OfficerID("Bad Id")) == nil)

            var cuc = Browser()
            #expect(try await cuc.login(client, "le.thi.cuc", "cuc-password-1").status == .seeOther)
            #expect(try await cuc.get(client, "/api/officer/state").status == .ok)
            // Disabled: the open session ends at once, and a new login fails.
            _ = try await admin.post(client, "/admin/accounts", form: "csrf=\(csrf)&id=le.thi.cuc&active=0")
            #expect(try await cuc.get(client, "/api/officer/state").status == .unauthorized)
            var again = Browser()
            #expect(try await again.login(client, "le.thi.cuc", "cuc-password-1").status == .unauthorized)
            _ = try await admin.post(client, "/admin/accounts", form: "csrf=\(csrf)&id=le.thi.cuc&active=1")
            _ = try await admin.post(client, "/admin/accounts", form: "csrf=\(csrf)&id=le.thi.cuc&password=another-pass-2")
            #expect(try await again.login(client, "le.thi.cuc", "cuc-password-1").status == .unauthorized)
            #expect(try await again.login(client, "le.thi.cuc", "another-pass-2").status == .seeOther)
            // The last admin cannot lock themself out.
            let last = try await admin.post(client, "/admin/accounts", form: "csrf=\(csrf)&id=admin&role=leader")
            #expect(String(buffer: try await admin.get(client, last.headers[.location] ?? "").body).contains("ít nhất một quản trị"))
            #expect(try centre.daemon.database.officer(OfficerID("admin"))?.role == .admin)
        }
        let actions = try centre.daemon.database.auditLog(limit: 100).filter { $0.actor == "admin" }.map(\.action)
        for action in ["audit.accountAdded", "audit.accountDisabled", "audit.accountEnabled", "audit.passwordSet"] {
            #expect(actions.contains(action), "\(action) in the audit log")
        }
    }

    @Test func theDevicesPageVoidsATicketInDoubt() async throws {
        let centre = try await WebTestCentre()
        defer { centre.remove() }
        // A ticket whose printing has no outcome (the daemon stopped in between).
        try await centre.daemon.engine.perform(.reserveTicket(service: ServiceCode("A"), priority: false))
        try await centre.daemon.engine.resolveUnfinishedPrints()
        try await centre.application.test(.router) { client in
            var admin = try await Browser.signedIn(client, as: "admin")
            let page = String(buffer: try await admin.get(client, "/admin/devices").body)
            #expect(
                page.range(of: #"<td>A001</td><td>\d\d:\d\d:\d\d</td>\s*<td>Không rõ đã in chưa</td>"#, options: .regularExpression) != nil)
            let void = try await admin.post(
                client, "/admin/tickets/void", form: "csrf=\(admin.csrf ?? "")&number=A001&reason=kh%C3%A1ch%20b%E1%BB%8F%20v%E1%BB%81")
            let after = String(buffer: try await admin.get(client, void.headers[.location] ?? "").body)
            #expect(after.contains("Đã hủy số A001."))
            #expect(!after.contains("Không rõ đã in chưa"))
        }
        let state = await centre.daemon.engine.snapshot
        #expect(state.tickets.values.first { $0.display == "A001" }?.status == .voided)
        #expect(try centre.daemon.database.auditLog(limit: 10).contains { $0.actor == "admin" && $0.action == "ticketVoided" })
    }
}
