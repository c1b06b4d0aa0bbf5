import Foundation

/// Roughly how long a new ticket will wait, from what the queue knows now: the people ahead
/// in its service, today's recent service times of that service, and the counters open for
/// it. Said only when there is enough history; a guess, rounded, and worded as one.
public enum WaitEstimate {
    /// How many recent service times are kept per service, and how many are needed.
    public static let history = 20
    public static let needed = 5

    /// Seconds, or nil with too little history or no counter open for the service.
    ///
    /// Each open counter that serves the service gives it a share of its time: all of it
    /// when the service is the only one waiting there, half when two of its services have
    /// people waiting, and so on. A counter serving nobody takes the next citizen at once;
    /// after those, the busy counters free up one by one, each about one service time apart
    /// over the shares, the first after about half of one.
    public static func seconds(for service: ServiceCode, ahead: Int, in state: QueueState) -> TimeInterval? {
        guard let times = state.recentServiceSeconds[service], times.count >= needed else { return nil }
        let mean = times.reduce(0, +) / Double(times.count)
        var capacity = 0.0
        var idle = 0.0
        for definition in state.rules.counters where definition.services.contains(service) {
            guard let counter = state.counters[definition.number], counter.officer != nil else { continue }
            let busy = definition.services.filter { $0 == service || (state.waitingInServiceQueue[$0] ?? 0) > 0 }.count
            let share = 1 / Double(max(busy, 1))
            capacity += share
            if counter.current == nil { idle += share }
        }
        guard capacity > 0 else { return nil }
        let position = Double(ahead + 1)
        return position <= idle ? 0 : (position - idle - 0.5) * mean / capacity
    }

    /// As the ticket and the touch kiosk say it: "khoảng 15 phút" (to 5 minutes), "dưới 5
    /// phút", "hơn 2 giờ".
    public static func vietnamese(_ seconds: TimeInterval) -> String {
        let minutes = seconds / 60
        if minutes < 5 { return "dưới 5 phút" }
        if minutes > 120 { return "hơn 2 giờ" }
        return "khoảng \(Int((minutes / 5).rounded()) * 5) phút"
    }
}
