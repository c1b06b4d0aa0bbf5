import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskService
import KioskStore
import NIOCore

/// A browser signed in to the staff pages.
struct SignedIn: Sendable {
    let session: StoredSession
    let account: Officer
}

/// Who may reach a route, and the checks every staff request goes through: the session
/// cookie, the role, and for anything that changes something, the same origin and the
/// session's CSRF token. Refusals are decided here and nowhere else.
public enum StaffAuth {
    static let sessionCookie = "kiosk_session"
    /// The login form's own CSRF token (there is no session yet): the cookie and the form's
    /// hidden field must match, which a page on another site cannot arrange.
    static let loginCookie = "kiosk_login"
    static let csrfHeader = "X-CSRF-Token"

    /// Pages answer with a redirect to the login; the API answers with a status.
    enum Kind { case page, api }

    static func signedIn(_ request: Request, accounts: AccountService) async -> SignedIn? {
        guard let id = request.cookies[sessionCookie]?.value,
            let found = try? await accounts.session(id)
        else { return nil }
        return SignedIn(session: found.session, account: found.account)
    }

    /// The signed-in account, if it may do `permission`; otherwise the response to send.
    static func require(_ permission: Permission, _ request: Request, accounts: AccountService, kind: Kind) async -> Result<
        SignedIn, Refusal
    > {
        guard let who = await signedIn(request, accounts: accounts) else {
            switch kind {
            case .page:
                let next = percentEncoded(request.uri.path, keeping: "/")
                return .failure(Refusal(Response(status: .seeOther, headers: [.location: "/login?next=\(next)"])))
            case .api:
                return .failure(Refusal(WebServer.problem(.unauthorized, "chưa đăng nhập (log in first)")))
            }
        }
        guard who.account.role.may(permission) else {
            let reason =
                "tài khoản \(who.account.id) (\(who.account.role.title)) không có quyền này (the \(who.account.role.rawValue) role may not do this)"
            return .failure(Refusal(kind == .page ? StaffPage.forbidden(who, reason) : WebServer.problem(.forbidden, reason)))
        }
        return .success(who)
    }

    /// The same, for a request that changes something: also same origin, the session's CSRF
    /// token in the `X-CSRF-Token` header or the form's `csrf` field, and within the account's
    /// and the address's share of changes per minute (429 past it).
    static func requireChange(
        _ permission: Permission, _ request: Request, address: String, accounts: AccountService,
        kind: Kind, formToken: String? = nil
    ) async -> Result<SignedIn, Refusal> {
        if let refusal = WebServer.crossSiteRefusal(request) { return .failure(Refusal(refusal)) }
        let who: SignedIn
        switch await require(permission, request, accounts: accounts, kind: kind) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let found): who = found
        }
        let token = request.headers.first { $0.name.canonicalName == csrfHeader.lowercased() }?.value ?? formToken
        guard let token, constantTimeEqual(token, who.session.csrf) else {
            return .failure(Refusal(WebServer.problem(.forbidden, "thiếu mã chống giả mạo (CSRF token missing or wrong): reload the page")))
        }
        if let wait = accounts.reserveAction(account: who.account.id, address: address) {
            var response = WebServer.problem(
                .tooManyRequests,
                "Thao tác quá nhiều trong một phút. Vui lòng chờ \(wait) giây. "
                    + "(Too many changes in a minute: wait \(wait) s.)")
            response.headers[.retryAfter] = String(wait)
            return .failure(Refusal(response))
        }
        return .success(who)
    }

    /// A refusal as an error, so handlers can `get()` it; `WebServer` turns it back into its response.
    struct Refusal: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    /// For a Location header: ASCII only, everything but unreserved characters (and `keeping`) encoded.
    static func percentEncoded(_ text: String, keeping: String = "") -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + keeping)
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool { Responses.constantTimeEqual(a, b) }

    static func sessionCookie(_ session: StoredSession) -> Cookie {
        Cookie(
            name: sessionCookie, value: session.id, maxAge: max(0, Int(session.expiresAt.timeIntervalSinceNow)), path: "/",
            httpOnly: true, sameSite: .strict)
    }

    static var expiredSessionCookie: Cookie {
        Cookie(name: sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
    }

}
