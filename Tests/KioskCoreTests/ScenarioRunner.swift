import Foundation
import KioskCore

/// Runs a plain-text queue scenario (see Scenarios/README.md for the language) against
/// `QueueState`, and returns the first mismatch, if any.
struct ScenarioRunner {
    struct Failure: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    private var services: [ServiceDefinition] = []
    private var counters: [CounterDefinition] = []
    private var policy: PriorityPolicy = .strict
    private var recallLimit = 3
    private var ratingWindow: TimeInterval = 120
    private var timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    private var scale = RatingScale.threeLevels
    private var vote = RatingVote.first
    private var burst: RatingBurst? = RatingBurst(presses: 4, seconds: 3)
    private var handover: TimeInterval = 30
    private var reasons: RatingReasons?
    private var state: QueueState?
    private var events: [QueueEvent] = []
    private var currentDay: String?

    /// Every event produced, oldest first.
    var allEvents: [QueueEvent] { events }
    var finalState: QueueState? { state }

    mutating func run(_ text: String) throws(Failure) {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do { try step(line) } catch let failure as Failure { throw Failure(line: index + 1, message: failure.message) } catch {
                throw Failure(line: index + 1, message: "\(error)")
            }
        }
        try checkReplay()
    }

    private mutating func step(_ line: String) throws {
        let parts = line.components(separatedBy: "=>")
        let words = words(parts[0])
        let expected = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        guard let head = words.first else { return }
        switch head {
        case "timezone": timeZone = TimeZone(identifier: words[1])!
        case "service":
            // service CODE [prefix=X] [from=N] [to=N] "name"
            var definition = ServiceDefinition(code: ServiceCode(words[1]), name: words.last!)
            for option in words.dropFirst(2) {
                let kv = option.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { continue }
                switch kv[0] {
                case "prefix": definition.prefix = kv[1]
                case "from": definition.firstNumber = Int(kv[1])!
                case "to": definition.lastNumber = Int(kv[1])!
                default: throw Failure(line: 0, message: "unknown service option \(kv[0])")
                }
            }
            services.append(definition)
        case "counter":
            counters.append(CounterDefinition(number: CounterNumber(Int(words[1])!), services: words.dropFirst(2).map { ServiceCode($0) }))
        case "policy": policy = words[1] == "strict" ? .strict : .interleave(normalCalls: Int(words[2])!)
        case "recall-limit": recallLimit = Int(words[1])!
        case "rating-window": ratingWindow = TimeInterval(words[1])!
        case "vote": vote = words[1] == "first" ? .first : .last(correction: TimeInterval(words[2])!)
        case "burst": burst = words[1] == "off" ? nil : RatingBurst(presses: Int(words[1])!, seconds: TimeInterval(words[2])!)
        case "handover": handover = TimeInterval(words[1])!
        case "reasons":
            // reasons SECONDS ask=3[,4] "first reason" "second reason" …
            let asking = words[2].dropFirst("ask=".count).split(separator: ",").map { Int($0)! }
            reasons = RatingReasons(labels: Array(words.dropFirst(3)), askLevels: Set(asking), seconds: TimeInterval(words[1])!)
        case "scale":
            scale = RatingScale(
                levels: words.dropFirst().map {
                    RatingLevel(label: $0.hasSuffix("+") ? String($0.dropLast()) : $0, satisfied: $0.hasSuffix("+"))
                })
        case "day":
            currentDay = words[1]
            _ = try perform(.tick, at: date(words[1], "00:00"))
        case "expect": try check(Array(words.dropFirst()))
        default:
            var rest = words
            var dayText = currentDay
            if LocalDay(iso: rest[0]) != nil {
                dayText = rest.removeFirst()
                currentDay = dayText
            }
            guard let dayText else { throw Failure(line: 0, message: "no day set before \(line)") }
            let at = date(dayText, rest.removeFirst())
            let result = try perform(try command(rest), at: at)
            switch result {
            case .success(let produced):
                let summary = produced.map(summarize).joined(separator: "; ")
                if let expected, expected != summary {
                    throw Failure(line: 0, message: "expected «\(expected)», got «\(summary)»")
                }
            case .failure(let rejection):
                guard let expected, expected.hasPrefix("refused"),
                    rejection.description.contains(expected.dropFirst("refused".count).trimmingCharacters(in: .whitespaces))
                else { throw Failure(line: 0, message: "refused: \(rejection)") }
            }
        }
    }

    private mutating func perform(_ command: QueueCommand, at: Date) throws -> Result<[QueueEvent], QueueRejection> {
        if state == nil {
            state = QueueState(rules: rules())
        }
        // As the engine does from the store: a day used before goes on from its last numbers.
        let history = events
        let result = state!.handle(command, at: at) { day in
            var resuming: [NumberingPosition] = []
            for event in history {
                if case .ticketIssued(let t, _) = event.kind, t.day == day {
                    resuming.removeAll { $0.service == t.service }
                    resuming.append(NumberingPosition(service: t.service, sequence: t.sequence, number: t.number))
                }
            }
            return resuming
        }
        if case .success(let produced) = result { events += produced }
        // The kept count of waiting tickets per service is what a look at every ticket gives.
        let counted = Dictionary(
            grouping: state!.waiting.compactMap { state!.tickets[$0] }.filter { $0.queueCounter == nil }, by: \.queueService
        )
        .mapValues(\.count)
        if counted != state!.waitingInServiceQueue.filter({ $0.value != 0 }) {
            throw Failure(line: 0, message: "waiting per service kept as \(state!.waitingInServiceQueue), counted \(counted)")
        }
        return result
    }

    private func rules() -> QueueRules {
        var rules = QueueRules(
            services: services, counters: counters, priorityPolicy: policy, recallLimit: recallLimit,
            ratingScale: scale, ratingWindow: ratingWindow, timeZone: timeZone)
        rules.ratingVote = vote
        rules.ratingBurst = burst
        rules.ratingHandover = handover
        rules.ratingReasons = reasons
        return rules
    }

    private func command(_ words: [String]) throws -> QueueCommand {
        func counter(_ i: Int) -> CounterNumber { CounterNumber(Int(words[i])!) }
        /// Today's latest ticket with the number in `words[1]`, for the print journal's commands.
        func ticket() throws -> Ticket {
            guard let ticket = try? state?.named(words[1]) else { throw Failure(line: 0, message: "no ticket \(words[1]) today") }
            return ticket
        }
        let reason = words.dropFirst(2).joined(separator: " ")
        switch words[0] {
        case "issue": return .issueTicket(service: ServiceCode(words[1]), priority: words.count > 2 && words[2] == "priority")
        case "reserve": return .reserveTicket(service: ServiceCode(words[1]), priority: words.count > 2 && words[2] == "priority")
        case "printed": return .recordPrint(ticket: try ticket().id, display: try ticket().display, outcome: .printed)
        case "print-failed":
            return .recordPrint(ticket: try ticket().id, display: try ticket().display, outcome: .failedKept(reason: reason))
        case "print-voided":
            return .recordPrint(ticket: try ticket().id, display: try ticket().display, outcome: .failedVoided(reason: reason))
        case "print-unknown": return .markPrintUnknown(ticket: try ticket().id, display: try ticket().display)
        case "void": return .void(display: words[1], reason: reason)
        case "next": return .callNext(counter: counter(1))
        case "call": return .callNumber(counter: counter(1), display: words[2])
        case "recall": return .recall(counter: counter(1))
        case "no-show": return .noShow(counter: counter(1))
        case "finish": return .finish(counter: counter(1), outcome: words.count > 2 ? ServiceOutcome(rawValue: words[2])! : .served)
        case "hold": return .hold(counter: counter(1))
        case "return": return .returnHeld(counter: counter(1), display: words.count > 2 ? words[2] : nil)
        case "transfer":
            // transfer C service B | transfer C counter 2
            let target: QueueEvent.TransferTarget =
                words[2] == "service"
                ? .service(ServiceCode(words[3])) : .counter(CounterNumber(Int(words[3])!))
            return .transfer(counter: counter(1), to: target)
        case "sign-in": return .signIn(counter: counter(1), officer: OfficerID(words[2]))
        case "sign-out": return .signOut(counter: counter(1))
        case "rate": return .rate(counter: counter(1), level: Int(words[2])!)
        case "dossier": return .linkDossier(counter: counter(1), code: words[2])
        case "tick": return .tick
        case "reprinted": return .markReprinted(display: words[1])
        default: throw Failure(line: 0, message: "unknown command \(words[0])")
        }
    }

    private func check(_ words: [String]) throws {
        guard let state else { throw Failure(line: 0, message: "nothing has happened yet") }
        func display(_ id: TicketID?) -> String { id.flatMap { state.tickets[$0]?.display } ?? "none" }
        let got: String
        let wanted = words.dropFirst(["waiting", "calls"].contains(words[0]) ? 1 : 2).joined(separator: " ")
        switch words[0] {
        case "waiting": got = state.waiting.map { display($0) }.joined(separator: " ")
        case "serving": got = display(state.counters[CounterNumber(Int(words[1])!)]?.current)
        case "held": got = (state.counters[CounterNumber(Int(words[1])!)]?.held ?? []).map { display($0) }.joined(separator: " ")
        case "officer": got = state.counters[CounterNumber(Int(words[1])!)]?.officer?.rawValue ?? "none"
        case "ticket":
            got = state.tickets.values.filter { $0.display == words[1] }.sorted { $0.id < $1.id }
                .map {
                    "\($0.status.rawValue)\($0.outcome.map { " \($0.rawValue)" } ?? "")\($0.print == .noPrinter ? "" : " \($0.print.rawValue)")"
                }
                .joined(separator: ", ")
        case "id": got = state.tickets.values.first { $0.display == words[1] }.map { String($0.id.rawValue) } ?? "none"
        case "next": got = state.nextTicket(for: CounterNumber(Int(words[1])!))?.display ?? "none"
        case "calls": got = state.recentCalls.map { "\($0.display)→\($0.counter)" }.joined(separator: " ")
        default: throw Failure(line: 0, message: "unknown expectation \(words[0])")
        }
        if got != wanted { throw Failure(line: 0, message: "expect \(words.joined(separator: " ")): got «\(got)»") }
    }

    /// The daemon restarts by replaying stored events from the last day start: that must give
    /// the very same state as living through them.
    private func checkReplay() throws(Failure) {
        guard let state else { return }
        let start = events.lastIndex { if case .dayStarted = $0.kind { true } else { false } } ?? 0
        let firstID = events[..<start].reduce(TicketID(1)) { next, event in
            if case .ticketIssued(let t, _) = event.kind { TicketID(t.id.rawValue + 1) } else { next }
        }
        let replayed = QueueState(rules: rules(), nextTicketID: firstID, replaying: Array(events[start...]))
        if replayed != state { throw Failure(line: 0, message: "replaying the events from the last day start gives another state") }
    }

    private func summarize(_ event: QueueEvent) -> String {
        let state = state!
        func display(_ id: TicketID?) -> String { id.flatMap { state.tickets[$0]?.display } ?? "?" }
        switch event.kind {
        case .dayStarted(let day, _): return "day \(day)"
        case .ticketIssued(let t, let ahead):
            return "\(t.print == .pending ? "reserved" : "issued") \(t.display)\(t.priority ? " priority" : "") ahead \(ahead)"
        case .ticketCalled(_, let d, let c, let o): return "called \(d) at \(c) by \(o)"
        case .ticketRecalled(_, let d, let c, let n): return "recalled \(d) at \(c) (\(n))"
        case .ticketFinished(let id, let c, let outcome): return "finished \(display(id)) at \(c) \(outcome.rawValue)"
        case .ticketNoShow(let id, let c): return "no-show \(display(id)) at \(c)"
        case .ticketTransferred(let id, _, .service(let s)): return "transferred \(display(id)) to service \(s)"
        case .ticketTransferred(let id, _, .counter(let c)): return "transferred \(display(id)) to counter \(c)"
        case .ticketHeld(let id, let c): return "held \(display(id)) at \(c)"
        case .ticketReturned(_, let d, let c): return "returned \(d) at \(c)"
        case .ticketExpired(let id): return "expired ticket \(id.rawValue)"
        case .officerSignedIn(let o, let c): return "signed in \(o) at \(c)"
        case .officerSignedOut(let o, let c): return "signed out \(o) at \(c)"
        case .ticketPrinted(_, let d): return "printed \(d)"
        case .ticketPrintFailed(_, let d, let reason): return "print failed \(d) (\(reason))"
        case .ticketVoided(_, let d, let reason): return "voided \(d) (\(reason))"
        case .ticketPrintUnknown(_, let d): return "print unknown \(d)"
        case .ticketReprinted(_, let d): return "reprinted \(d)"
        case .ratingRecorded(let r):
            let who = r.officer.map { " by \($0)" } ?? ""
            let flag = (r.flag.map { " \($0.rawValue)" } ?? "") + (r.replacesVote ? " replaces" : "")
            return "rated \(r.ticketDisplay ?? "nothing") at \(r.counter) level \(r.level) \(r.label)\(who)\(flag)"
        case .dossierLinked(_, let d, let c, let code):
            return "dossier \(d) at \(c): \(code)"
        case .ratingReasonGiven(let c, let id, let reason, let label):
            return "reason \(display(id)) at \(c): \(reason) \(label)"
        }
    }

    private func date(_ day: String, _ time: String) -> Date {
        let d = LocalDay(iso: day)!
        let hms = time.split(separator: ":").map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(
            from: DateComponents(
                year: d.year, month: d.month, day: d.day, hour: hms[0], minute: hms[1],
                second: hms.count > 2 ? hms[2] : 0))!
    }

    /// Splits on spaces, keeping "quoted words" whole.
    private func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        for ch in text {
            if ch == "\"" {
                quoted.toggle()
                continue
            }
            if ch == " " && !quoted {
                if !current.isEmpty {
                    result.append(current)
                    current = ""
                }
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
