import KioskCore

/// The control socket's answer to a command that was carried out: the events' names first
/// (for scripts), then what an officer at a terminal needs to read, in Vietnamese with the
/// English after it: `ok ticketCalled: gọi A015 tại quầy 3 (calling A015 at counter 3)`.
enum ControlReply {
    /// `number`: a ticket's printed number, for events that carry only its id.
    static func text(_ events: [QueueEvent], number: (TicketID) -> String?) -> String {
        guard !events.isEmpty else { return "ok nothing to do" }
        let names = events.map(\.name).joined(separator: ", ")
        let said = events.compactMap { sentence($0.kind, number: number) }
        return said.isEmpty ? "ok \(names)" : "ok \(names): \(said.joined(separator: "; "))"
    }

    static func sentence(_ kind: QueueEvent.Kind, number: (TicketID) -> String?) -> String? {
        func n(_ id: TicketID) -> String { number(id) ?? "\(id)" }
        switch kind {
        case .ticketIssued(let ticket, let ahead):
            return "phiếu \(ticket.display), \(ahead) người chờ trước (ticket \(ticket.display), \(ahead) waiting ahead)"
        case .ticketCalled(_, let display, let counter, _):
            return "gọi \(display) tại quầy \(counter) (calling \(display) at counter \(counter))"
        case .ticketRecalled(_, let display, let counter, _):
            return "gọi lại \(display) tại quầy \(counter) (calling \(display) again at counter \(counter))"
        case .ticketFinished(let id, let counter, _):
            return "xong \(n(id)) tại quầy \(counter) (\(n(id)) finished at counter \(counter))"
        case .ticketNoShow(let id, let counter):
            return "\(n(id)) vắng mặt tại quầy \(counter) (\(n(id)) did not come to counter \(counter))"
        case .ticketTransferred(let id, let from, let to):
            let (vi, en) =
                switch to {
                case .service(let code): ("dịch vụ \(code)", "service \(code)")
                case .counter(let counter): ("quầy \(counter)", "counter \(counter)")
                }
            return "chuyển \(n(id)) từ quầy \(from) sang \(vi) (\(n(id)) moved from counter \(from) to \(en))"
        case .ticketHeld(let id, let counter):
            return "giữ \(n(id)) tại quầy \(counter) (\(n(id)) on hold at counter \(counter))"
        case .ticketReturned(_, let display, let counter):
            return "\(display) trở lại quầy \(counter) (\(display) back at counter \(counter))"
        case .officerSignedIn(let officer, let counter):
            return "\(officer) vào quầy \(counter) (\(officer) signed in at counter \(counter))"
        case .officerSignedOut(let officer, let counter):
            return "\(officer) rời quầy \(counter) (\(officer) signed out of counter \(counter))"
        case .ticketPrinted(_, let display):
            return "đã in \(display) (\(display) printed)"
        case .ticketReprinted(_, let display):
            return "in lại \(display) (\(display) reprinted)"
        case .ticketVoided(_, let display, _):
            return "huỷ \(display) (\(display) voided)"
        case .ratingRecorded(let rating):
            return "đã ghi đánh giá tại quầy \(rating.counter) (rating recorded at counter \(rating.counter))"
        default:
            return nil
        }
    }
}
