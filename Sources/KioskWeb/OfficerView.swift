import Foundation
import KioskCore
import KioskService
import KioskStore

/// What an officer's counter page shows: the counters (to pick one), and at their own counter
/// the number served and since when, the tickets set aside, who waits for this counter's
/// services, and their own figures for today and the month (aggregates in steps of five).
struct OfficerView: Encodable, Sendable {
    struct CounterChoice: Encodable, Sendable {
        var number: Int
        var name: String
        /// Who is signed in there now (a name), if anyone.
        var officer: String?
        var mine: Bool
    }

    struct Waiting: Encodable, Sendable {
        var number: String
        var service: String
        var priority: Bool
        var issuedAt: Date
        /// Sent to this counter by a transfer.
        var toThisCounter: Bool
    }

    struct Option: Encodable, Sendable {
        var code: String
        var name: String
    }

    struct Figures: Encodable, Sendable {
        var today: OfficerFigures
        var month: OfficerFigures
        var levelLabels: [String]
    }

    var officer: String
    /// The centre's time zone: the page shows the centre's clock whatever the PC's setting.
    var timeZone: String
    var counters: [CounterChoice]
    /// The counter this officer is signed in at.
    var counter: Int?
    var serving: String?
    var servingService: String?
    var servingSince: Date?
    var held: [String]
    var waiting: [Waiting]
    var services: [Option]
    var figures: Figures?

    init(state: QueueState, account: Officer, names: [OfficerID: String], figures: Figures?) {
        let rules = state.rules
        officer = account.name
        timeZone = rules.timeZone.identifier
        counters = rules.counters.map { c in
            let who = state.counters[c.number]?.officer
            return CounterChoice(
                number: c.number.rawValue, name: c.name, officer: who.map { names[$0] ?? $0.rawValue },
                mine: who == account.id)
        }
        let mine = rules.counters.first { state.counters[$0.number]?.officer == account.id }
        counter = mine?.number.rawValue
        services = rules.services.map { Option(code: $0.code.rawValue, name: $0.name) }
        self.figures = figures
        guard let mine, let here = state.counters[mine.number] else {
            held = []
            waiting = []
            return
        }
        let current = here.current.flatMap { state.tickets[$0] }
        serving = current?.display
        servingService = current.flatMap { rules.service($0.queueService)?.name }
        servingSince = current == nil ? nil : here.currentSince
        held = here.held.compactMap { state.tickets[$0]?.display }
        waiting = state.waiting.compactMap { state.tickets[$0] }
            .filter {
                $0.print != .pending
                    && ($0.queueCounter == mine.number || ($0.queueCounter == nil && mine.services.contains($0.queueService)))
            }
            .map {
                Waiting(
                    number: $0.display, service: rules.service($0.queueService)?.name ?? $0.queueService.rawValue,
                    priority: $0.priority, issuedAt: $0.issuedAt, toThisCounter: $0.queueCounter == mine.number)
            }
    }

    /// Today's and this month's figures of one officer, from the database.
    static func figures(database: KioskDatabase, officer: OfficerID, rules: QueueRules, now: Date) throws -> Figures {
        let today = LocalDay(now, in: rules.timeZone)
        let firstOfMonth = LocalDay(year: today.year, month: today.month, day: 1)
        let size = rules.ratingScale.count
        return Figures(
            today: try database.officerFigures(officer, from: today, to: today, scaleSize: size),
            month: try database.officerFigures(officer, from: firstOfMonth, to: today, scaleSize: size),
            levelLabels: rules.ratingScale.levels.map(\.label))
    }
}

/// A button pressed on the officer's page, as JSON: `{"action": "next"}`,
/// `{"action": "sign-in", "counter": 2}`, `{"action": "call", "number": "A015"}`,
/// `{"action": "finish", "outcome": "served"}`, `{"action": "transfer", "service": "B"}` or `"toCounter": 3`,
/// `{"action": "dossier", "code": "000.00.12.H56-250701-0001"}`.
struct OfficerAction: Decodable, Sendable {
    var action: String
    var code: String?
    var counter: Int?
    var number: String?
    var outcome: String?
    var service: String?
    var toCounter: Int?

    static let maxBytes = 1024

    /// The queue command, at `counter` (the one the officer is signed in at), or why not.
    func command(officer: OfficerID, at counter: CounterNumber?) -> Result<QueueCommand, ActionError> {
        if action == "sign-in" {
            guard let wanted = self.counter, wanted > 0 else { return .failure(.bad("sign-in: choose a counter")) }
            // An officer cannot take a counter another officer holds (and serve or no-show their citizen).
            return .success(.signIn(counter: CounterNumber(wanted), officer: officer, takeOver: false))
        }
        guard let c = counter else { return .failure(.notAtCounter) }
        switch action {
        case "sign-out": return .success(.signOut(counter: c))
        case "next": return .success(.callNext(counter: c))
        case "call":
            guard let number, !number.isEmpty, number.count <= 16 else { return .failure(.bad("call: give the ticket's number")) }
            return .success(.callNumber(counter: c, display: number))
        case "recall": return .success(.recall(counter: c))
        case "dossier":
            // What a scanner would read: printable ASCII without spaces, as on the receipt.
            guard let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty, code.count <= 64,
                code.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline })
            else {
                return .failure(.bad("dossier: give the dossier's code as on its receipt"))
            }
            return .success(.linkDossier(counter: c, code: code))
        case "no-show": return .success(.noShow(counter: c))
        case "hold": return .success(.hold(counter: c))
        case "return": return .success(.returnHeld(counter: c, display: number))
        case "finish":
            guard let outcome = ServiceOutcome(rawValue: outcome ?? "served") else {
                return .failure(.bad("finish: outcome is served, incomplete or declined"))
            }
            return .success(.finish(counter: c, outcome: outcome))
        case "transfer":
            if let service { return .success(.transfer(counter: c, to: .service(ServiceCode(service)))) }
            if let toCounter { return .success(.transfer(counter: c, to: .counter(CounterNumber(toCounter)))) }
            return .failure(.bad("transfer: give a service or a counter"))
        default:
            return .failure(.bad("unknown action \(action.prefix(32))"))
        }
    }

    enum ActionError: Error {
        case bad(String)
        case notAtCounter
    }
}
