import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskService
import KioskStore

/// `/admin/audit`: who did what over the pages and `kiosk account`, newest first, 200 a page.
enum AuditPage {
    static func register(on router: Router<KioskRequestContext>, daemon: KioskDaemon, accounts: AccountService) {
        router.staff(.readAuditLog, .page, accounts: accounts).get("/admin/audit") { request, context in
            let who = context.who
            let before = request.uri.queryParameters["before"].flatMap { Int64(String($0)) }
            let entries = try await PageWork.run { try daemon.database.auditLog(limit: 200, beforeSeq: before) }
            let rows = entries.map { e -> String in
                "<tr><td>\(DateText.format(e.at, in: daemon.config.timeZone, "yyyy-MM-dd HH:mm:ss"))</td><td>\(StaffPage.escape(e.actor))</td>"
                    + "<td>\(StaffPage.escape(e.action.replacingOccurrences(of: "audit.", with: "")))</td>"
                    + "<td>\(StaffPage.escape(e.detail))</td></tr>"
            }.joined()
            let more = entries.count == 200 ? "<p><a href=\"/admin/audit?before=\(entries.last!.seq)\">Cũ hơn →</a></p>" : ""
            let body = """
                <div class="card"><h1>Nhật ký thao tác</h1>
                <table><thead><tr><th>Thời gian</th><th>Người làm</th><th>Thao tác</th><th>Chi tiết</th></tr></thead>
                <tbody>\(rows)</tbody></table>\(more)</div>
                """
            return WebServer.html(StaffPage.frame(title: "Nhật ký thao tác", who: who, here: "/admin/audit", body: body))
        }
    }
}
