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
        case .notStored:
            // The database's own words (a full disk, a lock) are for staff, in the log and
            // /health: a citizen is told what to do.
            problem(
                .internalServerError,
                "Hệ thống tạm thời chưa lưu được yêu cầu. Vui lòng báo cán bộ tại quầy hướng dẫn. "
                    + "(Not stored: the database refused the write; the devices page says why.)")
        }
    }
}
