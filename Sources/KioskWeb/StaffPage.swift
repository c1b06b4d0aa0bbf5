import Foundation
import Hummingbird
import KioskCore
import KioskStore

/// The frame of every staff page: Vietnamese, no asset from elsewhere, a bar with the
/// pages the role may open, and the logout button (a form with the CSRF token).
public enum StaffPage {
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

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

    public static let style = """
        body { margin: 0; font-family: "DejaVu Sans", Arial, sans-serif; font-size: 18px; color: #1b1b1b; background: #f4f6f9; }
        header { display: flex; align-items: center; gap: 1.2em; background: #0b2545; color: #fff; padding: .6em 1em; flex-wrap: wrap; }
        header a { color: #fff; text-decoration: none; }
        header a.here { border-bottom: 3px solid #ffd60a; }
        header .who { margin-left: auto; }
        header form { display: inline; margin: 0; }
        main { padding: 1em; max-width: 1100px; margin: 0 auto; }
        button, select, input { font: inherit; padding: .45em .8em; }
        button { border: 0; border-radius: 6px; background: #13315c; color: #fff; cursor: pointer; }
        button.big { font-size: 1.5em; padding: .6em 1.4em; background: #2b9348; }
        button.quiet { background: #6c757d; }
        button:disabled { opacity: .45; cursor: default; }
        table { border-collapse: collapse; background: #fff; width: 100%; }
        th, td { border: 1px solid #ccd; padding: .35em .6em; text-align: left; }
        th { background: #e8edf3; }
        .card { background: #fff; border-radius: 8px; padding: 1em; margin-bottom: 1em; box-shadow: 0 1px 3px #0002; }
        .error { color: #b00020; font-weight: bold; }
        .number { font-size: 4em; font-weight: bold; color: #0b2545; }
        """

    static func frame(title: String, who: SignedIn?, here: String = "", body: String, script: String = "") -> String {
        var bar = "<strong>\(escape(title))</strong>"
        if let who {
            for link in links(for: who.account.role) {
                bar += "<a href=\"\(link.path)\"\(link.path == here ? " class=\"here\"" : "")>\(escape(link.title))</a>"
            }
            bar += """
                <span class="who">\(escape(who.account.name)) · \(escape(who.account.role.title))</span>
                <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(escape(who.session.csrf))">\
                <button class="quiet" type="submit">Đăng xuất</button></form>
                """
        }
        let csrfMeta = who.map { "<meta name=\"csrf\" content=\"\(escape($0.session.csrf))\">" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(csrfMeta)
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>\(bar)</header>
            <main>
            \(body)
            </main>
            \(script.isEmpty ? "" : "<script>\n\"use strict\";\n\(script)\n</script>")
            </body>
            </html>
            """
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
