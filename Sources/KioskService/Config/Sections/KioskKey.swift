import KioskCore

public struct KioskKey: Sendable, Equatable {
    public var service: ServiceCode
    public var priority: Bool

    public init(service: ServiceCode, priority: Bool) {
        self.service = service
        self.priority = priority
    }
}
