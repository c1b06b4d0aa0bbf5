import KioskCore

/// What an officer's key can do, by its name in the config.
public enum OfficerAction: String, Sendable, CaseIterable {
    case next, recall, finish, hold
    case noShow = "no-show"
    case returnHeld = "return"

    public func command(at counter: CounterNumber) -> QueueCommand {
        switch self {
        case .next: .callNext(counter: counter)
        case .recall: .recall(counter: counter)
        case .finish: .finish(counter: counter, outcome: .served)
        case .hold: .hold(counter: counter)
        case .noShow: .noShow(counter: counter)
        case .returnHeld: .returnHeld(counter: counter, display: nil)
        }
    }
}
