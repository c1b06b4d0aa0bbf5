import KioskCore
import Testing

@Suite struct OfficerFiguresTests {
    /// An officer must not read one citizen's vote from a change in their figures.
    @Test func ratingsCountInWholeStepsOfFive() {
        func figures(_ levels: [Int]) -> OfficerFigures {
            OfficerFigures(finished: levels.count, noShows: 0, meanServiceSeconds: nil,
                           votes: levels.map { ($0, $0 <= 2) }, scaleSize: 3)
        }
        let four = figures([1, 1, 2, 3])
        #expect(four.ratingsShown == 0 && four.ratingsPending == 4)
        #expect(four.levels == [0, 0, 0] && four.satisfactionPercent == nil)
        let five = figures([1, 1, 2, 3, 1])
        #expect(five.ratingsShown == 5 && five.levels == [3, 1, 1] && five.satisfactionPercent == 80)
        // The sixth vote (a 3) is not counted until four more come.
        let six = figures([1, 1, 2, 3, 1, 3])
        #expect(six.levels == five.levels && six.ratingsPending == 1)
        let ten = figures([1, 1, 2, 3, 1, 3, 3, 1, 2, 2])
        #expect(ten.ratingsShown == 10 && ten.levels == [4, 3, 3] && ten.satisfactionPercent == 70)
    }
}
