import Foundation

/// How priority tickets (elderly, disabled, pregnant, people with merit) are called.
public enum PriorityPolicy: Hashable, Codable, Sendable {
    /// Every waiting priority ticket is called before any normal one.
    case strict
    /// After `normalCalls` normal tickets at a counter, one priority ticket.
    case interleave(normalCalls: Int)
}
