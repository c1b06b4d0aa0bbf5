import Foundation
import KioskCore
import KioskRuntime
import Synchronization

/// The wall clock's steps: while the daemon runs (`ClockStepWatch`), and the one found at
/// start (the newest stored event later than the clock). A commune's box is often offline
/// with no time source: an RTC reset or a mistyped `date` moves the day the numbers belong
/// to. The new day starts either way (`QueueState`'s day rollover); a step of more than
/// `threshold` is logged, shown in `/health` and on the devices page, and counted in `/metrics`.
public final class ClockSteps: Sendable {
    public struct Step: Sendable, Encodable, Equatable {
        /// When it was noticed, by the corrected clock.
        public var at: Date
        /// Positive: set forward; negative: set back.
        public var seconds: Double
    }

    /// Steps smaller than this (an NTP correction of a drifting clock) are not reported.
    public static let threshold: Double = 180

    private let state = Mutex<(count: Int, last: Step?)>((0, nil))

    public init() {}

    /// Counts the step if it is large enough; whether it was.
    @discardableResult
    public func record(_ seconds: Double, at: Date) -> Bool {
        guard abs(seconds) >= Self.threshold else { return false }
        state.withLock { $0 = ($0.count + 1, Step(at: at, seconds: seconds)) }
        return true
    }

    public var count: Int { state.withLock { $0.count } }
    public var last: Step? { state.withLock { $0.last } }

    /// "Đồng hồ của máy đã bị chỉnh lùi 2 ngày 0 giờ 5 phút lúc 09:30 03/12/2026 (the clock was set back …)".
    public func describe(in timeZone: TimeZone) -> String? {
        guard let step = last else { return nil }
        let time = DateText.format(step.at, in: timeZone, "HH:mm dd/MM/yyyy")
        let amount = Self.amount(abs(step.seconds))
        return "Đồng hồ của máy đã bị chỉnh \(step.seconds < 0 ? "lùi" : "tới") \(amount.vi) lúc \(time); "
            + "số thứ tự theo ngày mới của đồng hồ. Hãy cấu hình nguồn giờ (NTP). "
            + "(The system clock was set \(step.seconds < 0 ? "back" : "forward") by \(amount.en); numbering follows the clock's day: give the box a time source.)"
    }

    static func amount(_ seconds: Double) -> (vi: String, en: String) {
        let minutes = Int((seconds / 60).rounded())
        let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60)
        var vi: [String] = []
        var en: [String] = []
        if d > 0 {
            vi.append("\(d) ngày")
            en.append("\(d) d")
        }
        if h > 0 {
            vi.append("\(h) giờ")
            en.append("\(h) h")
        }
        if m > 0 || (d == 0 && h == 0) {
            vi.append("\(m) phút")
            en.append("\(m) min")
        }
        return (vi.joined(separator: " "), en.joined(separator: " "))
    }
}
