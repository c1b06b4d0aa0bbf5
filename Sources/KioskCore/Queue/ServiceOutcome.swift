import Foundation

/// What the service ended with, chosen by the officer on finish.
public enum ServiceOutcome: String, Hashable, Codable, Sendable, CaseIterable {
    /// The request was received or completed.
    case served
    /// The citizen must come back with missing documents.
    case incomplete
    /// The request cannot be handled here.
    case declined
}
