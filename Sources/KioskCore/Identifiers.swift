import Foundation

/// A small wrapper type for an identifier, so that a counter number is never passed where a
/// ticket id is expected. Encoded as its bare raw value.
public protocol KioskIdentifier: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible
where RawValue: Comparable & Hashable & Sendable {
    init(rawValue: RawValue)
}

extension KioskIdentifier {
    public init(_ rawValue: RawValue) { self.init(rawValue: rawValue) }
    public var description: String { "\(rawValue)" }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The short code of a service area, as written in the config (`A`, `HT`, `DD`).
public struct ServiceCode: KioskIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A counter's number as painted above it ("Quầy số 3").
public struct CounterNumber: KioskIdentifier {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
}

/// An officer's account name (`nguyen.van.an`), unique in the centre.
public struct OfficerID: KioskIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// The internal identity of a ticket: never reused, unlike its displayed number.
public struct TicketID: KioskIdentifier {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
}
