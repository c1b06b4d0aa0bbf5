import Hummingbird
import KioskService

extension WebServer {
    /// A command's failure as HTTP, in one place: refused by the rules → 409 with the reason,
    /// not printed → 503, not stored → 500, an account that may not → 403.
    static func problem(for error: CommandError) -> Response {
        switch error {
        case .rejected(let rejection):
            problem(.conflict, "\(rejection.vietnamese) (\(rejection.description))")
        case .unknownOfficer(let officer):
            problem(.forbidden, "tài khoản \(officer) không hoạt động (account \(officer) is not active)")
        case .notPrinted(let reason):
            problem(.serviceUnavailable, "Máy in chưa in được phiếu: \(reason). Vui lòng báo cán bộ.")
        case .notStored(let reason):
            problem(.internalServerError, "Chưa lưu được: \(reason). Vui lòng báo cán bộ.")
        }
    }
}
