import Hummingbird
import KioskPages

/// With `[http] tls_certificate`, the staff pages (logins, sessions, exports) go over HTTPS
/// only: a page asked for over plain HTTP is sent to the HTTPS listener, a change over plain
/// HTTP is refused, cookies are `Secure`, and HTTPS answers carry HSTS so the browser keeps to
/// it. The hall's own pages (display, counter screens, touch kiosk) stay on plain HTTP too:
/// a TV has no one to accept a certificate.
struct StaffOverTLS: RouterMiddleware {
    typealias Context = KioskRequestContext
    let tlsPort: Int

    static let staffPaths = [
        "/login", "/logout", "/officer", "/api/officer", "/dashboard", "/api/dashboard", "/reports", "/api/export", "/admin",
    ]

    static func isStaff(_ path: String) -> Bool {
        staffPaths.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !context.secure, Self.isStaff(request.uri.path) {
            guard request.method == .get || request.method == .head else {
                return WebServer.problem(
                    .forbidden, "trang cán bộ chỉ dùng qua https (the staff pages work over HTTPS only: port \(tlsPort))")
            }
            // The same host, the HTTPS port: `[::1]:8080` → `[::1]`, `box:8080` → `box`.
            let authority = request.head.authority ?? "localhost"
            let host =
                authority.hasPrefix("[")
                ? String(authority.prefix { $0 != "]" }) + "]"
                : String(authority.split(separator: ":", maxSplits: 1).first ?? "localhost")
            return Response(status: .movedPermanently, headers: [.location: "https://\(host):\(tlsPort)\(request.uri)"])
        }
        var response = try await next(request, context)
        if context.secure { HTTPS.secure(&response) }
        return response
    }
}
