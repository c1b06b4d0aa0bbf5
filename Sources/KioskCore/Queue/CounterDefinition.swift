import Foundation

/// A counter and the services it calls, in the order it calls them.
public struct CounterDefinition: Hashable, Codable, Sendable {
    public var number: CounterNumber
    public var name: String
    public var services: [ServiceCode]

    public init(number: CounterNumber, name: String? = nil, services: [ServiceCode]) {
        self.number = number
        self.name = name ?? "Quầy số \(number.rawValue)"
        self.services = services
    }
}
