import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskService

/// `/login` and `/logout`. The form posts `username`, `password` and `csrf`; a good login
/// gets a session cookie (HttpOnly, SameSite=Strict) and goes to the role's home page.
enum LoginPage {
    static func html(token: String, next: String, message: String?) -> String {
        let problem = message.map { "<p class=\"error\" role=\"alert\">\(StaffPage.escape($0))</p>" } ?? ""
        return StaffPage.frame(
            title: "Đăng nhập", who: nil,
            body: """
                <div class="card" style="max-width: 420px; margin: 2em auto;">
                <h1>Đăng nhập</h1>
                \(problem)
                <form method="post" action="/login">
                <input type="hidden" name="csrf" value="\(StaffPage.escape(token))">
                <input type="hidden" name="next" value="\(StaffPage.escape(next))">
                <p><label>Tên đăng nhập<br><input name="username" autocomplete="username" required autofocus></label></p>
                <p><label>Mật khẩu<br><input name="password" type="password" autocomplete="current-password" required></label></p>
                <p><button type="submit">Đăng nhập</button></p>
                </form>
                </div>
                """)
    }

    struct Form: Decodable {
        var username: String?
        var password: String?
        var csrf: String?
        var next: String?
    }

    /// Only a path on this server: never a redirect elsewhere. Browsers read a Location as
    /// the URL standard says: they drop TAB, CR and LF anywhere and leading spaces and control
    /// characters, and take `\` for `/`, so `/\tevil.example` becomes `//evil.example`, another
    /// host. Only printable ASCII is kept (a path's other characters come percent-encoded), no
    /// backslash at all, one leading slash, and what is left must resolve to this server.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.count < 200, next.hasPrefix("/"),
            next.utf8.allSatisfy({ (0x21...0x7e).contains($0) && $0 != UInt8(ascii: "\\") }),
            !next.hasPrefix("//"),
            let base = URL(string: "http://box.invalid/"), let resolved = URL(string: next, relativeTo: base)?.absoluteURL,
            resolved.host == "box.invalid", resolved.scheme == "http", resolved.user == nil
        else { return nil }
        return next
    }

    static func register(on router: Router<KioskRequestContext>, accounts: AccountService) {
        router.get("/login") { request, _ in
            if let who = await StaffAuth.signedIn(request, accounts: accounts) {
                return Response(status: .seeOther, headers: [.location: StaffPage.home(for: who.account.role)])
            }
            return page(next: safeNext(request.uri.queryParameters["next"].map(String.init)) ?? "", message: nil, status: .ok)
        }

        router.post("/login") { request, context in
            if let refusal = WebServer.crossSiteRefusal(request) { return refusal }
            let body = try await request.body.collect(upTo: 4096)
            let form = (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))) ?? Form()
            let next = safeNext(form.next) ?? ""
            guard let cookie = request.cookies[StaffAuth.loginCookie]?.value, let token = form.csrf,
                StaffAuth.constantTimeEqual(cookie, token)
            else {
                return page(
                    next: next, message: "Phiên đăng nhập đã hết hạn, vui lòng thử lại. (The form expired: try again.)",
                    status: .forbidden)
            }
            guard let username = form.username, let password = form.password, !username.isEmpty, !password.isEmpty else {
                return page(next: next, message: "Nhập tên đăng nhập và mật khẩu. (Give your name and password.)", status: .badRequest)
            }
            switch try await accounts.login(username: username, password: password, address: context.address) {
            case .signedIn(let session, let account):
                var response = Response(status: .seeOther, headers: [.location: next.isEmpty ? StaffPage.home(for: account.role) : next])
                response.setCookie(StaffAuth.sessionCookie(session))
                response.setCookie(
                    Cookie(name: StaffAuth.loginCookie, value: "", maxAge: 0, path: "/login", httpOnly: true, sameSite: .strict))
                return response
            case .refused:
                return page(next: next, message: "Sai tên đăng nhập hoặc mật khẩu. (Wrong name or password.)", status: .unauthorized)
            case .tooManyFailures(let wait):
                var response = page(
                    next: next,
                    message: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau \(minutes(wait)). "
                        + "(Too many wrong passwords: try again in \(wait) s.)", status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
        }

        router.staff(.readOwnFigures, .page, accounts: accounts).post("/logout") { _, context in
            try await accounts.logout(context.who.session)
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(StaffAuth.expiredSessionCookie)
            return response
        }
    }

    private static func minutes(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) giây" : "\((seconds + 59) / 60) phút"
    }

    /// The form with a new token, set as the login cookie too.
    private static func page(next: String, message: String?, status: HTTPResponse.Status) -> Response {
        let token = AccountService.randomToken(bytes: 24)
        var response = WebServer.html(html(token: token, next: next, message: message))
        response.status = status
        response.headers[.cacheControl] = "no-store"
        response.setCookie(
            Cookie(name: StaffAuth.loginCookie, value: token, maxAge: 3600, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }
}
