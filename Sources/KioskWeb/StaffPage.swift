import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskStore

/// The frame of every staff page: Vietnamese, no asset from elsewhere, a bar with the
/// pages the role may open, and the logout button (a form with the CSRF token).
public enum StaffPage {
    public static func escape(_ text: String) -> String { HTML.escape(text) }

    /// The pages a role reaches from the bar.
    static func links(for role: Role) -> [(path: String, title: String)] {
        var links: [(String, String)] = []
        if role.may(.workAtCounter) { links.append(("/officer", "Quầy của tôi")) }
        if role.may(.watchLiveFigures) { links.append(("/dashboard", "Số liệu hôm nay")) }
        if role.may(.readAllReports) || role.may(.readOwnFigures) { links.append(("/reports", "Báo cáo")) }
        if role.may(.manageAccounts) { links.append(("/admin/accounts", "Tài khoản")) }
        if role.may(.manageDevices) { links.append(("/admin/devices", "Thiết bị")) }
        if role.may(.readAuditLog) { links.append(("/admin/audit", "Nhật ký thao tác")) }
        return links
    }

    static func frame(title: String, who: SignedIn?, here: String = "", body: String, script: String = "") -> String {
        var bar = ""
        if let who {
            for link in links(for: who.account.role) {
                bar += "<a href=\"\(link.path)\"\(link.path == here ? " class=\"here\"" : "")>\(escape(link.title))</a>"
            }
            bar += HTML.whoAndLogout(name: who.account.name, role: who.account.role.title, csrf: who.session.csrf)
        }
        return HTML.document(title: title, bar: bar, csrf: who?.session.csrf, body: body, script: script)
    }

    static func forbidden(_ who: SignedIn, _ reason: String) -> Response {
        var response = WebServer.html(frame(title: "Không có quyền", who: who, body: "<p class=\"error\">\(escape(reason))</p>"))
        response.status = .forbidden
        return response
    }

    /// Where a role lands after logging in.
    static func home(for role: Role) -> String {
        switch role {
        case .officer: "/officer"
        case .leader: "/dashboard"
        case .admin: "/admin/accounts"
        }
    }
}
