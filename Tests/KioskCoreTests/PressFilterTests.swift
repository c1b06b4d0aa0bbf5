import KioskCore
import Testing

@Suite struct PressFilterTests {
    /// Presses of one key at the given times (seconds), judged in order.
    func verdicts(_ times: [Double], _ settings: PressFilter.Settings, key: UInt16 = 79) -> [PressFilter.Verdict] {
        var filter = PressFilter(settings)
        return times.map { filter.judge(key: key, at: $0) }
    }

    @Test func chatteringContactsCountOnce() {
        // A worn button: one press that makes contact three times within 20 ms.
        #expect(verdicts([10.000, 10.008, 10.019, 10.500], .init(debounce: 0.05)) == [.accepted, .bounced, .bounced, .accepted])
        // Exactly at the debounce time is a new press.
        #expect(verdicts([1.0, 1.05], .init(debounce: 0.05)) == [.accepted, .accepted])
        // No debounce: every press counts.
        #expect(verdicts([1.0, 1.001], .init(debounce: 0)) == [.accepted, .accepted])
    }

    @Test func eachKeyBouncesOnItsOwn() {
        var filter = PressFilter(.init(debounce: 0.05))
        #expect(filter.judge(key: 79, at: 1.0) == .accepted)
        #expect(filter.judge(key: 80, at: 1.01) == .accepted)
        #expect(filter.judge(key: 79, at: 1.02) == .bounced)
    }

    @Test func aHammeredKioskButtonIsLimited() {
        let settings = PressFilter.Settings(debounce: 0.05, limit: 3, window: 20)
        // A child pressing every half second: three tickets, then refusals until the window moves on.
        let times = (0..<8).map { 100 + Double($0) * 0.5 } + [120.0, 121.0]
        #expect(
            verdicts(times, settings) == [
                .accepted, .accepted, .accepted, .rateLimited, .rateLimited, .rateLimited,
                .rateLimited, .rateLimited, .accepted, .accepted,
            ])
    }

    @Test func aClockStepBackDoesNotBlockAKey() {
        // The box's clock was set back an hour: presses must still count.
        #expect(verdicts([5000, 1400, 1401], .init(debounce: 0.05, limit: 3, window: 20)) == [.accepted, .accepted, .accepted])
    }
}

@Suite struct FormulaTests {
    @Test func percentilesAreNearestRank() {
        #expect(ServiceTimes.percentile([], 0.9) == nil)
        #expect(ServiceTimes.percentile([7], 0.9) == 7)
        #expect(ServiceTimes.percentile((1...10).map(Double.init), 0.9) == 9)
        #expect(ServiceTimes.percentile((1...11).map(Double.init), 0.9) == 10)
        #expect(ServiceTimes.percentile([60, 180, 300], 0.9) == 300)
        #expect(ServiceTimes.percentile([10, 20, 30, 40], 0.5) == 20)
    }

    @Test func ratesAndShares() {
        // 6 counted ratings, 5 of them for finished tickets (one citizen rated, then did not come back).
        let f = SatisfactionFigures(levelCounts: [3, 1, 0, 1, 1], satisfiedCount: 4, finished: 8, ratedFinished: 5)
        #expect(f.rated == 6)
        #expect(f.satisfactionRate == 4.0 / 6.0)
        #expect(f.responseRate == 5.0 / 8.0)
        // One finished ticket and one still being served, both rated: 100 %, not 200 %.
        #expect(SatisfactionFigures(levelCounts: [2, 0, 0], satisfiedCount: 2, finished: 1, ratedFinished: 1).responseRate == 1)
        #expect(f.levelShares == [0.5, 1.0 / 6.0, 0, 1.0 / 6.0, 1.0 / 6.0])
        let none = SatisfactionFigures(levelCounts: [0, 0, 0], satisfiedCount: 0, finished: 0, ratedFinished: 0)
        #expect(none.satisfactionRate == nil && none.responseRate == nil && none.levelShares == nil)
    }
}
