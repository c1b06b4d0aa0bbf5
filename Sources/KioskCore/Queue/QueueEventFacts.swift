extension QueueEvent {
    /// The event's facts in words, as the log and the audit log tell them. A rating's level is
    /// left out: it is for the record, not for watching (officers see aggregates only).
    public var facts: [(String, String)] {
        switch kind {
        case .dayStarted(let day, let resumed):
            [("day", "\(day)")] + (resumed.map { [("resumed", $0.map { "\($0.service)#\($0.sequence)" }.joined(separator: " "))] } ?? [])
        case .ticketIssued(let t, let ahead):
            [
                ("ticket.number", t.display), ("service", "\(t.service)"), ("priority", "\(t.priority)"),
                ("waiting.ahead", "\(ahead)"), ("print", t.print.rawValue),
            ]
        case .ticketCalled(_, let d, let c, let o):
            [("ticket.number", d), ("counter", "\(c)"), ("officer", "\(o)")]
        case .ticketRecalled(_, let d, let c, let n):
            [("ticket.number", d), ("counter", "\(c)"), ("recalls", "\(n)")]
        case .ticketFinished(let id, let c, let outcome):
            [("ticket.id", "\(id.rawValue)"), ("counter", "\(c)"), ("outcome", outcome.rawValue)]
        case .ticketNoShow(let id, let c), .ticketHeld(let id, let c):
            [("ticket.id", "\(id.rawValue)"), ("counter", "\(c)")]
        case .ticketTransferred(let id, let c, let to):
            [("ticket.id", "\(id.rawValue)"), ("counter", "\(c)"), ("to", "\(to)")]
        case .ticketReturned(_, let d, let c):
            [("ticket.number", d), ("counter", "\(c)")]
        case .ticketExpired(let id):
            [("ticket.id", "\(id.rawValue)")]
        case .officerSignedIn(let o, let c), .officerSignedOut(let o, let c):
            [("officer", "\(o)"), ("counter", "\(c)")]
        case .ticketPrintFailed(_, let d, let reason), .ticketVoided(_, let d, let reason):
            [("ticket.number", d), ("reason", reason)]
        case .ticketPrinted(_, let d), .ticketReprinted(_, let d), .ticketPrintUnknown(_, let d):
            [("ticket.number", d)]
        case .ratingRecorded(let r):
            [("counter", "\(r.counter)"), ("ticket.number", r.ticketDisplay ?? "-"), ("flag", r.flag?.rawValue ?? "-")]
        case .dossierLinked(_, let d, let c, let code):
            [("ticket.number", d), ("counter", "\(c)"), ("dossier", code)]
        case .ratingReasonGiven(let c, _, _, _):
            // Which reason is for the record, like the level: the log says only that one was given.
            [("counter", "\(c)")]
        }
    }
}
