import Foundation
import Hummingbird

/// The answers every page of ours gives, and the checks every form post passes.
public enum Responses {
    public static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    public static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A refusal with its reason, as `{"error": "..."}`.
    public static func problem(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        json((try? JSONEncoder().encode(["error": reason])) ?? Data(), status: status)
    }

    /// A request that changes something must come from our own page: a browser says where it
    /// comes from (Sec-Fetch-Site, Origin); a script must send Origin itself.
    public static func crossSiteRefusal(_ request: Request) -> Response? {
        let site = request.headers.first(where: { $0.name.canonicalName == "sec-fetch-site" })?.value
        if let site, site != "same-origin", site != "none" {
            return problem(.forbidden, "cross-site request refused (Sec-Fetch-Site: \(site))")
        }
        guard let origin = request.headers[.origin] else {
            if site != nil { return nil }
            return problem(
                .forbidden,
                "request refused: no Origin header (the daemon's own pages send one; a script must send Origin: http://<this server>)")
        }
        let own = request.head.authority.map { ["http://\($0.lowercased())", "https://\($0.lowercased())"] } ?? []
        if own.contains(origin.lowercased()) { return nil }
        return problem(.forbidden, "cross-site request refused: Origin \(origin) is not this server (\(own.first ?? "no Host"))")
    }

    /// Compares secrets (CSRF tokens) in a time that does not tell how much of them matched.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
