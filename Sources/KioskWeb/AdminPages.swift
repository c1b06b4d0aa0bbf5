import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskService
import KioskStore

/// The admin's pages: accounts (add, disable, enable, role, password reset) and devices
/// (health as `/health` says it, the printer's last failures, tickets whose paper is in doubt
/// with reprint and void buttons). Every form posts with the session's CSRF token.
enum AdminPages {
    struct AccountForm: Decodable {
        var csrf: String?
        var id: String?
        var name: String?
        var role: String?
        var password: String?
        var active: String?
    }

    struct TicketForm: Decodable {
        var csrf: String?
        var number: String?
        var reason: String?
    }

    static func register(on router: Router<KioskRequestContext>, daemon: KioskDaemon, accounts: AccountService) {
        router.staff(.manageAccounts, .page, accounts: accounts).get("/admin/accounts") { request, context in
            let who = context.who
            let message = request.uri.queryParameters["message"].map(String.init)
            let problem = request.uri.queryParameters["problem"].map(String.init)
            return WebServer.html(try await PageWork.run { try accountsPage(who, daemon: daemon, message: message, problem: problem) })
        }
        router.staff(.manageAccounts, .page, accounts: accounts).post("/admin/accounts") { request, context in
            let form = try await decode(AccountForm.self, request)
            let who = context.who
            let actor = who.account.id.rawValue
            do {
                guard let id = form.id else { return back(problem: "thiếu tên đăng nhập (no account id)") }
                if let name = form.name {
                    guard let role = form.role.flatMap(Role.init(rawValue:)) else {
                        return back(problem: "vai trò không hợp lệ (bad role)")
                    }
                    let password = form.password.flatMap { $0.isEmpty ? nil : $0 }
                    _ = try await accounts.add(id: id, name: name, role: role, password: password, actor: actor)
                    return back(message: "Đã thêm tài khoản \(id).")
                }
                if let active = form.active {
                    try await accounts.setActive(OfficerID(id), active == "1", actor: actor)
                    return back(message: active == "1" ? "Đã mở lại tài khoản \(id)." : "Đã khóa tài khoản \(id).")
                }
                if let roleText = form.role {
                    guard let role = Role(rawValue: roleText) else { return back(problem: "vai trò không hợp lệ (bad role)") }
                    try await accounts.setRole(OfficerID(id), role, actor: actor)
                    return back(message: "\(id) giờ là \(role.title).")
                }
                if let password = form.password {
                    try await accounts.setPassword(OfficerID(id), password, actor: actor)
                    return back(message: "Đã đặt lại mật khẩu của \(id).")
                }
                return back(problem: "không rõ thao tác (nothing to do)")
            } catch let error as AccountService.AccountError {
                return back(problem: error.description)
            }
        }

        router.staff(.manageDevices, .page, accounts: accounts).get("/admin/devices") { request, context in
            let who = context.who
            let message = request.uri.queryParameters["message"].map(String.init)
            let problem = request.uri.queryParameters["problem"].map(String.init)
            return WebServer.html(try await devicesPage(who, daemon: daemon, message: message, problem: problem))
        }
        registerCounterSignOut(on: router, daemon: daemon, accounts: accounts)
        for action in ["reprint", "void"] {
            router.staff(.manageDevices, .page, accounts: accounts).post("/admin/tickets/\(action)") { request, context in
                let form = try await decode(TicketForm.self, request)
                let who = context.who
                guard let number = form.number, !number.isEmpty else { return back(to: "/admin/devices", problem: "thiếu số phiếu") }
                let reason = form.reason.flatMap { $0.isEmpty ? nil : $0 } ?? ControlRequest.defaultVoidReason
                let command: QueueCommand = action == "reprint" ? .markReprinted(display: number) : .void(display: number, reason: reason)
                // A reprint goes through the printer, which stores no actor: the audit log hears it here.
                try await accounts.audit(
                    action == "reprint" ? "ticketReprintAsked" : "ticketVoidAsked", actor: who.account.id.rawValue,
                    detail: number)
                do throws(CommandError) {
                    try await daemon.router.perform(command, actor: who.account.id)
                } catch {
                    return back(to: "/admin/devices", problem: error.description)
                }
                return back(to: "/admin/devices", message: action == "reprint" ? "Đã in lại số \(number)." : "Đã hủy số \(number).")
            }
        }
    }

    struct CounterForm: Decodable {
        var csrf: String?
        var counter: Int?
    }

    /// Frees a counter another officer cannot take: its officer left without signing out.
    static func registerCounterSignOut(on router: Router<KioskRequestContext>, daemon: KioskDaemon, accounts: AccountService) {
        router.staff(.manageDevices, .page, accounts: accounts).post("/admin/counters/sign-out") { request, context in
            let form = try await decode(CounterForm.self, request)
            let who = context.who
            guard let counter = form.counter else { return back(to: "/admin/devices", problem: "thiếu số quầy") }
            do throws(CommandError) {
                try await daemon.router.perform(.signOut(counter: CounterNumber(counter)), actor: who.account.id)
            } catch {
                return back(to: "/admin/devices", problem: error.description)
            }
            return back(to: "/admin/devices", message: "Quầy số \(counter) đã trống.")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 8192)
        return try URLEncodedFormDecoder().decode(type, from: String(buffer: body))
    }

    /// Post/redirect/get: the page again, with what happened.
    static func back(to path: String = "/admin/accounts", message: String? = nil, problem: String? = nil) -> Response {
        var query = ""
        if let message { query = "?message=" + StaffAuth.percentEncoded(message) }
        if let problem { query = "?problem=" + StaffAuth.percentEncoded(problem) }
        return Response(status: .seeOther, headers: [.location: path + query])
    }

    static func notice(_ message: String?, _ problem: String?) -> String {
        (message.map { "<p class=\"card\" role=\"status\">\(StaffPage.escape($0))</p>" } ?? "")
            + (problem.map { "<p class=\"card error\" role=\"alert\">\(StaffPage.escape($0))</p>" } ?? "")
    }

    static func accountsPage(_ who: SignedIn, daemon: KioskDaemon, message: String?, problem: String?) throws -> String {
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(StaffPage.escape(who.session.csrf))\">"
        func roleOptions(_ selected: Role?) -> String {
            Role.allCases.map { "<option value=\"\($0.rawValue)\"\($0 == selected ? " selected" : "")>\($0.title)</option>" }.joined()
        }
        var rows = ""
        for account in try daemon.database.officers() {
            let credentials = try daemon.database.credentials(of: account.id)
            var state = account.active ? "Đang dùng" : "Đã khóa"
            if credentials?.passwordHash == nil { state += " · chưa có mật khẩu" }
            if let until = credentials?.lockedUntil, until > Date() { state += " · tạm khóa do sai mật khẩu" }
            let id = StaffPage.escape(account.id.rawValue)
            rows += """
                <tr><td>\(id)</td><td>\(StaffPage.escape(account.name))</td><td>\(state)</td>
                <td><form method="post" action="/admin/accounts">\(csrf)<input type="hidden" name="id" value="\(id)">\
                <select name="role" aria-label="Vai trò của \(id)">\(roleOptions(account.role))</select> <button>Đổi vai trò</button></form></td>
                <td><form method="post" action="/admin/accounts">\(csrf)<input type="hidden" name="id" value="\(id)">\
                <input type="password" name="password" placeholder="mật khẩu mới" autocomplete="new-password" aria-label="Mật khẩu mới của \(id)"> \
                <button>Đặt lại</button></form></td>
                <td><form method="post" action="/admin/accounts">\(csrf)<input type="hidden" name="id" value="\(id)">\
                <input type="hidden" name="active" value="\(account.active ? "0" : "1")">\
                <button class="quiet">\(account.active ? "Khóa" : "Mở lại")</button></form></td></tr>
                """
        }
        let body = """
            \(notice(message, problem))
            <div class="card"><h1>Tài khoản</h1>
            <table><thead><tr><th>Tên đăng nhập</th><th>Họ tên</th><th>Trạng thái</th><th>Vai trò</th><th>Mật khẩu</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <form class="card" method="post" action="/admin/accounts" id="add">\(csrf)
            <h2>Thêm tài khoản</h2>
            <label>Tên đăng nhập <input name="id" required pattern="[a-z0-9._-]{1,64}" placeholder="nguyen.van.an"></label>
            <label>Họ tên <input name="name" required placeholder="Nguyễn Văn An"></label>
            <label>Vai trò <select name="role">\(roleOptions(.officer))</select></label>
            <label>Mật khẩu <input type="password" name="password" minlength="\(PasswordRule.minimumLength)" autocomplete="new-password"></label>
            <button type="submit">Thêm</button>
            </form>
            """
        return StaffPage.frame(title: "Tài khoản", who: who, here: "/admin/accounts", body: body)
    }

    static func devicesPage(_ who: SignedIn, daemon: KioskDaemon, message: String?, problem: String?) async throws -> String {
        let stateNames: [DeviceHealth.State: String] = [.ok: "Tốt", .unknown: "Không rõ trạng thái", .unavailable: "Không dùng được"]
        let devices = daemon.health.all.map { d -> String in
            "<tr><td>\(StaffPage.escape(d.device))</td><td>\(StaffPage.escape(d.path))</td>"
                + "<td class=\"\(d.state == .ok ? "" : "error")\">\(stateNames[d.state] ?? d.state.rawValue)</td>"
                + "<td>\(StaffPage.escape(d.detail ?? ""))</td><td>\(DateText.format(d.since, in: daemon.config.timeZone, "dd/MM HH:mm:ss"))</td></tr>"
        }.joined()
        let recent = try await PageWork.run {
            try daemon.database.recentEvents(kinds: ["ticketPrintFailed", "ticketPrintUnknown"], limit: 10)
        }
        let failures = recent.map { e -> String in
            "<tr><td>\(DateText.format(e.at, in: daemon.config.timeZone, "dd/MM HH:mm:ss"))</td><td>\(StaffPage.escape(e.detail))</td></tr>"
        }.joined()
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(StaffPage.escape(who.session.csrf))\">"
        let state = await daemon.engine.snapshot
        let doubtful = state.tickets.values.filter { $0.print.needsStaff && $0.status.isOpen }.sorted { $0.id < $1.id }.map { t -> String in
            let number = StaffPage.escape(t.display)
            return """
                <tr><td>\(number)</td><td>\(DateText.format(t.issuedAt, in: daemon.config.timeZone, "HH:mm:ss"))</td>\
                <td>\(t.print == .unknown ? "Không rõ đã in chưa" : "Chưa in được")</td>
                <td><form method="post" action="/admin/tickets/reprint">\(csrf)<input type="hidden" name="number" value="\(number)">\
                <button>In lại</button></form></td>
                <td><form method="post" action="/admin/tickets/void">\(csrf)<input type="hidden" name="number" value="\(number)">\
                <input name="reason" placeholder="lý do" aria-label="Lý do hủy \(number)"> <button class="quiet">Hủy số</button></form></td></tr>
                """
        }.joined()
        let warnings =
            [daemon.space.check()?.warning, daemon.clockSteps.describe(in: daemon.config.timeZone)].compactMap { $0 }
            + state.exhaustedServices.map(WebServer.rangeUsedUp)
        let warningCard =
            warnings.isEmpty
            ? ""
            : "<div class=\"card\" role=\"alert\"><h2>Cảnh báo</h2><ul>"
                + warnings.map { "<li class=\"error\">\(StaffPage.escape($0))</li>" }.joined() + "</ul></div>"
        let seated = state.rules.counters.compactMap { c -> String? in
            guard let officer = state.counters[c.number]?.officer else { return nil }
            return """
                <tr><td>\(StaffPage.escape(c.name))</td><td>\(StaffPage.escape(officer.rawValue))</td>
                <td><form method="post" action="/admin/counters/sign-out">\(csrf)<input type="hidden" name="counter" value="\(c.number.rawValue)">\
                <button class="quiet">Cho rời quầy</button></form></td></tr>
                """
        }.joined()
        let body = """
            \(notice(message, problem))
            \(warningCard)
            <div class="card"><h1>Thiết bị</h1>
            <table><thead><tr><th>Thiết bị</th><th>Đường dẫn</th><th>Trạng thái</th><th>Chi tiết</th><th>Từ lúc</th></tr></thead>
            <tbody>\(devices)</tbody></table></div>
            <div class="card"><h2>Cán bộ đang ngồi quầy</h2>
            <p>Một cán bộ không thể ngồi vào quầy đang có cán bộ khác; nếu người đó đã về mà chưa đăng xuất, hãy cho rời quầy ở đây.</p>
            \(seated.isEmpty ? "<p>Không có.</p>" : "<table><thead><tr><th>Quầy</th><th>Cán bộ</th><th></th></tr></thead><tbody>\(seated)</tbody></table>")
            </div>
            <div class="card"><h2>Phiếu cần cán bộ xử lý</h2>
            \(doubtful.isEmpty ? "<p>Không có.</p>" : "<table><thead><tr><th>Số</th><th>Lấy lúc</th><th>Tình trạng</th><th></th><th></th></tr></thead><tbody>\(doubtful)</tbody></table>")
            </div>
            <div class="card"><h2>Lỗi in gần đây</h2>
            \(failures.isEmpty ? "<p>Không có.</p>" : "<table><thead><tr><th>Lúc</th><th>Chi tiết</th></tr></thead><tbody>\(failures)</tbody></table>")
            </div>
            """
        return StaffPage.frame(title: "Thiết bị", who: who, here: "/admin/devices", body: body)
    }
}
