import Foundation
import KioskCore

/// What the touch kiosk page sends for a ticket: `{"service": "A", "priority": false}`.
/// Parsed from the raw body, so that it can be checked on its own (and fuzzed).
public struct TicketRequest: Decodable, Equatable, Sendable {
    public var service: String
    public var priority: Bool?

    /// A ticket body is a few dozen bytes.
    public static let maxBytes = 1024

    public static func parse(_ body: [UInt8]) -> Result<TicketRequest, TicketRequestError> {
        guard body.count <= maxBytes else { return .failure(.tooLarge) }
        guard let request = try? JSONDecoder().decode(TicketRequest.self, from: Data(body)) else { return .failure(.malformed) }
        guard !request.service.isEmpty, request.service.count <= 8 else { return .failure(.malformed) }
        return .success(request)
    }
}

public enum TicketRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge
    case malformed

    public var description: String {
        switch self {
        case .tooLarge: "the body is larger than \(TicketRequest.maxBytes) bytes"
        case .malformed: "expected {\"service\": \"A\", \"priority\": false}"
        }
    }
}

/// How many tickets one machine's touch kiosk page may take: like a kiosk button, a few per
/// service and a few more in all within a window, so no page on the LAN can empty the paper
/// roll. Counted per address (`PerAddress`): one machine that floods waits alone, and the
/// hall's touch kiosk goes on.
/// Time is passed in (the clock is the caller's).
public struct TicketRateLimit: Sendable {
    public let perService: Int
    public let overall: Int
    public let window: TimeInterval
    private var byService: [String: [TimeInterval]] = [:]
    private var all: [TimeInterval] = []

    public init(perService: Int, overall: Int, window: TimeInterval) {
        self.perService = perService
        self.overall = overall
        self.window = window
    }

    /// Nil when the ticket may be taken (and it is counted); otherwise the seconds until it may.
    public mutating func take(service: String, at now: TimeInterval) -> Int? {
        all.removeAll { now - $0 >= window || $0 > now }
        var recent = byService[service, default: []]
        recent.removeAll { now - $0 >= window || $0 > now }
        byService[service] = recent
        if recent.count >= perService { return wait(recent, now) }
        if all.count >= overall { return wait(all, now) }
        recent.append(now)
        byService[service] = recent
        all.append(now)
        return nil
    }

    private func wait(_ times: [TimeInterval], _ now: TimeInterval) -> Int {
        Int((window - (now - (times.first ?? now))).rounded(.up)).clamped(1, Int(window))
    }
}

extension Int {
    func clamped(_ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(self, low), high) }
}
