import KioskCore
import Testing

/// What an officer may see of their ratings: whole blocks of five, month by month.
@Suite struct RatingStepsTests {
    let july1 = LocalDay(year: 2026, month: 7, day: 1)
    let july2 = LocalDay(year: 2026, month: 7, day: 2)

    func votes(_ levels: [Int], on day: LocalDay) -> [RatingSteps.Vote] {
        levels.map { RatingSteps.Vote(day: day, level: $0, satisfied: $0 <= 2, ticketFinished: true) }
    }

    func figures(_ votes: [RatingSteps.Vote], from: LocalDay, to: LocalDay) -> OfficerFigures {
        OfficerFigures(
            finished: votes.count, noShows: 0, meanServiceSeconds: nil,
            shown: RatingSteps.shown(votes, from: from, to: to).map(\.vote), waiting: RatingSteps.waiting(votes, to: to), scaleSize: 3)
    }

    /// An officer must not read one citizen's vote from a change in their figures.
    @Test func ratingsCountInWholeBlocksOfFive() {
        let four = figures(votes([1, 1, 2, 3], on: july1), from: july1, to: july1)
        #expect(four.ratingsShown == 0 && four.ratingsPending == 4)
        #expect(four.levels == [0, 0, 0] && four.satisfactionPercent == nil)
        let five = figures(votes([1, 1, 2, 3, 1], on: july1), from: july1, to: july1)
        #expect(five.ratingsShown == 5 && five.levels == [3, 1, 1] && five.satisfactionPercent == 80)
        // The sixth vote (a 3) is not counted until four more come.
        let six = figures(votes([1, 1, 2, 3, 1, 3], on: july1), from: july1, to: july1)
        #expect(six.levels == five.levels && six.ratingsPending == 1)
        let ten = figures(votes([1, 1, 2, 3, 1, 3, 3, 1, 2, 2], on: july1), from: july1, to: july1)
        #expect(ten.ratingsShown == 10 && ten.levels == [4, 3, 3] && ten.satisfactionPercent == 70)
    }

    /// A block begun yesterday and finished today counts for today, whole: "today" and "the
    /// month" are sums of the same blocks, so their difference is never one vote.
    @Test func aBlockBelongsToTheDayOfItsFifthVote() {
        let all = votes([1, 2, 3], on: july1) + votes([3, 3, 1, 1, 1, 2, 2], on: july2)
        let yesterday = figures(all, from: july1, to: july1)
        let today = figures(all, from: july2, to: july2)
        let month = figures(all, from: july1, to: july2)
        #expect(yesterday.ratingsShown == 0)
        #expect(today.ratingsShown == 10 && today.levels == month.levels && month.ratingsShown == 10)
        // Read yesterday evening with the month so far: nothing moved by fewer than five.
        #expect(figures(Array(all.prefix(3)), from: july1, to: july1).levels == [0, 0, 0])
    }

    /// A month's unfinished block is never carried into the next month (nor shown).
    @Test func monthsDoNotShareABlock() {
        let june30 = LocalDay(year: 2026, month: 6, day: 30)
        let all = votes([1, 1, 1], on: june30) + votes([3, 3], on: july1)
        #expect(RatingSteps.shown(all, from: june30, to: july1).isEmpty)
        #expect(RatingSteps.waiting(all, to: july1) == 2)
    }

    /// Every period's figures are a union of whole blocks (the month's fives, oldest first), each
    /// counted on the day of its fifth vote: so is the difference between any two periods.
    @Test func anyTwoPeriodsDifferByWholeBlocks() {
        var all: [RatingSteps.Vote] = []
        for day in 1...20 {
            for i in 0..<(day % 7) {
                // The reason's words carry the vote's place, to follow each vote through.
                all.append(
                    RatingSteps.Vote(
                        day: LocalDay(year: 2026, month: 7, day: day), level: (i + day) % 3 + 1,
                        satisfied: true, ticketFinished: true, reasonLabel: String(all.count)))
            }
        }
        // The blocks by hand: fives in order; the last, unfinished one is never shown.
        let blocks = stride(from: 0, to: all.count / 5 * 5, by: 5).map { Array(all[$0..<$0 + 5]) }
        for a in 1...20 {
            for b in a...20 {
                let from = LocalDay(year: 2026, month: 7, day: a)
                let to = LocalDay(year: 2026, month: 7, day: b)
                let shown = RatingSteps.shown(all, from: from, to: to)
                let expected = blocks.filter { (from...to).contains($0[4].day) }
                #expect(shown.map { $0.vote.reasonLabel } == expected.flatMap { $0.map(\.reasonLabel) }, "\(a)–\(b)")
                #expect(shown.allSatisfy { (from...to).contains($0.countsOn) })
            }
        }
    }
}
