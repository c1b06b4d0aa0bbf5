import Hummingbird
import KioskCore
import KioskPages
import KioskService

/// The context of a staff route: the client's address and the account signed in, which
/// `RequireStaff` set before the handler runs.
struct StaffRequestContext: ChildRequestContext {
    typealias ParentContext = KioskRequestContext
    var coreContext: CoreRequestContextStorage
    let address: String
    fileprivate var signedIn: SignedIn?

    init(context: KioskRequestContext) {
        coreContext = context.coreContext
        address = context.address
    }

    /// The account that may do what the route's group requires.
    var who: SignedIn {
        guard let signedIn else { preconditionFailure("a staff route registered outside Router.staff(_:_:accounts:)") }
        return signedIn
    }
}

extension Router<KioskRequestContext> {
    /// The only way a staff route is registered: a group that needs `permission`. Its
    /// middleware answers for the group's routes (a login redirect for a page, 401 for the
    /// API, 403 for a role that may not), and for a request that changes something also
    /// checks the origin, the session's CSRF token (header or the form's `csrf` field) and
    /// the account's and address's changes per minute, before any handler sees it.
    func staff(
        _ permission: Permission, _ kind: StaffAuth.Kind, accounts: AccountService,
        bodyLimit: Int = 8192
    ) -> RouterGroup<StaffRequestContext> {
        group(context: StaffRequestContext.self)
            .add(middleware: RequireStaff(permission: permission, kind: kind, accounts: accounts, bodyLimit: bodyLimit))
    }
}

/// The checks of one group of staff routes (see `Router.staff`).
struct RequireStaff: RouterMiddleware {
    typealias Context = StaffRequestContext
    let permission: Permission
    let kind: StaffAuth.Kind
    let accounts: AccountService
    /// The largest body a change may carry (read here for the form's token; the handler reads it again).
    let bodyLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let checked: Result<SignedIn, StaffAuth.Refusal>
        if request.method == .get || request.method == .head {
            checked = await StaffAuth.require(permission, request, accounts: accounts, kind: kind)
        } else {
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: bodyLimit) } catch {
                return WebServer.problem(.contentTooLarge, "request larger than \(bodyLimit) bytes")
            }
            checked = await StaffAuth.requireChange(
                permission, request, address: context.address, accounts: accounts, kind: kind,
                formToken: Self.csrfField(in: body))
        }
        switch checked {
        case .failure(let refusal): return refusal.response
        case .success(let who):
            context.signedIn = who
            return try await next(request, context)
        }
    }

    /// The `csrf` field of a URL-encoded form body (nil for any other body).
    static func csrfField(in body: ByteBuffer) -> String? {
        struct Form: Decodable { var csrf: String? }
        return (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body)))?.csrf
    }
}
