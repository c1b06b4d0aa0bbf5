import KioskCore

/// The local control channel's language: one line per request, words separated by spaces,
/// for the admin's and the officers' tools (`kiosk officer sign-in`, `kiosk counter next`).
/// Ratings are deliberately absent: only a citizen's keypad rates.
public enum ControlRequest {
    public static let usage = """
        sign-in COUNTER OFFICER | sign-out COUNTER | next COUNTER | call COUNTER NUMBER | recall COUNTER |
        finish COUNTER [served|incomplete|declined] | no-show COUNTER | hold COUNTER | return COUNTER [NUMBER] |
        transfer COUNTER service CODE | transfer COUNTER counter N | issue SERVICE [priority] | reprint NUMBER |
        void NUMBER [REASON...]
        """

    /// The reason stored when staff void a ticket without giving one.
    public static let defaultVoidReason = "hủy bởi cán bộ (voided by staff)"

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static func parse(_ line: String) -> Result<QueueCommand, Malformed> {
        let w = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let verb = w.first else { return .failure(Malformed("empty request; requests are: \(usage)")) }
        func counter(_ i: Int) -> CounterNumber? { w.count > i ? Int(w[i]).map { CounterNumber($0) } : nil }
        func need(_ count: Int) -> Bool { w.count == count }
        switch verb {
        case "sign-in":
            guard need(3), let c = counter(1) else { break }
            return .success(.signIn(counter: c, officer: OfficerID(w[2])))
        case "sign-out":
            guard need(2), let c = counter(1) else { break }
            return .success(.signOut(counter: c))
        case "next":
            guard need(2), let c = counter(1) else { break }
            return .success(.callNext(counter: c))
        case "call":
            guard need(3), let c = counter(1) else { break }
            return .success(.callNumber(counter: c, display: w[2]))
        case "recall":
            guard need(2), let c = counter(1) else { break }
            return .success(.recall(counter: c))
        case "finish":
            guard w.count == 2 || w.count == 3, let c = counter(1) else { break }
            guard let outcome = w.count == 3 ? ServiceOutcome(rawValue: w[2]) : .served else {
                return .failure(Malformed("\(w[2]) is not an outcome: use served, incomplete or declined"))
            }
            return .success(.finish(counter: c, outcome: outcome))
        case "no-show":
            guard need(2), let c = counter(1) else { break }
            return .success(.noShow(counter: c))
        case "hold":
            guard need(2), let c = counter(1) else { break }
            return .success(.hold(counter: c))
        case "return":
            guard w.count == 2 || w.count == 3, let c = counter(1) else { break }
            return .success(.returnHeld(counter: c, display: w.count == 3 ? w[2] : nil))
        case "transfer":
            guard need(4), let c = counter(1) else { break }
            if w[2] == "service" { return .success(.transfer(counter: c, to: .service(ServiceCode(w[3])))) }
            if w[2] == "counter", let n = Int(w[3]) { return .success(.transfer(counter: c, to: .counter(CounterNumber(n)))) }
        case "issue":
            guard w.count == 2 || (w.count == 3 && w[2] == "priority") else { break }
            return .success(.issueTicket(service: ServiceCode(w[1]), priority: w.count == 3))
        case "reprint":
            guard need(2) else { break }
            return .success(.markReprinted(display: w[1]))
        case "void":
            guard w.count >= 2 else { break }
            let reason = w.dropFirst(2).joined(separator: " ")
            return .success(.void(display: w[1], reason: reason.isEmpty ? defaultVoidReason : reason))
        default:
            return .failure(Malformed("unknown request \(verb); requests are: \(usage)"))
        }
        return .failure(Malformed("malformed request «\(line)»; requests are: \(usage)"))
    }
}
