/// What happens to a ticket the printer could not print.
public enum PrintFailurePolicy: String, Sendable, Equatable, CaseIterable {
    /// A printer that says it cannot print uses no number; a ticket that fails after its
    /// number was stored is voided. The kiosk page and the log say why.
    case refuse
    /// The number is issued, marked failed, and can be reprinted (`kiosk reprint`).
    case issueAndFlag = "issue-and-flag"
}
