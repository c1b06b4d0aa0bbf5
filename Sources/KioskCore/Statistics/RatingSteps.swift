/// The one rule for what an officer may see of the ratings they were given: every route that
/// shows an officer their own figures (the counter page, the reports page, the export API in
/// every format) counts their votes through it.
///
/// An officer who could watch a figure move right after a citizen pressed would know that
/// citizen's vote. So an officer's counted votes are taken month by month, oldest first, in
/// blocks of five; a block is shown once its fifth vote is in, and belongs to the day of that
/// fifth vote. Every figure an officer sees, for any period and grouping by time, is a sum of
/// whole blocks, and so is any difference between two of them: no change, and no comparison
/// of two reports, covers fewer than five citizens. The last unfinished block of a month is
/// never shown to the officer (up to four votes a month); leaders and admins see every vote.
public enum RatingSteps {
    public static let size = 5

    public struct Vote: Sendable, Equatable {
        public var day: LocalDay
        public var level: Int
        public var satisfied: Bool
        /// Its ticket was served to the end (the response rate's "rated finished").
        public var ticketFinished: Bool
        public var reasonLabel: String?

        public init(day: LocalDay, level: Int, satisfied: Bool, ticketFinished: Bool, reasonLabel: String? = nil) {
            self.day = day
            self.level = level
            self.satisfied = satisfied
            self.ticketFinished = ticketFinished
            self.reasonLabel = reasonLabel
        }
    }

    /// The first day whose votes `shown(_:from:to:)` needs for a period starting on `from`: a
    /// block may begin earlier in the same month.
    public static func readFrom(_ from: LocalDay) -> LocalDay { LocalDay(year: from.year, month: from.month, day: 1) }

    /// The votes an officer may see for the days `from`...`to`, each with the day its block
    /// was completed (the day it counts for). `votes`: every counted vote of the officer from
    /// `readFrom(from)` to `to`, oldest first.
    public static func shown(_ votes: [Vote], from: LocalDay, to: LocalDay) -> [(vote: Vote, countsOn: LocalDay)] {
        var result: [(vote: Vote, countsOn: LocalDay)] = []
        var block: [Vote] = []
        for vote in votes where vote.day <= to {
            if let first = block.first, (first.day.year, first.day.month) != (vote.day.year, vote.day.month) {
                block = []  // a month's unfinished block is not carried into the next
            }
            block.append(vote)
            if block.count == size {
                if vote.day >= from { result += block.map { ($0, vote.day) } }
                block = []
            }
        }
        return result
    }

    /// Votes given in the period's last month that wait for their block to be full.
    public static func waiting(_ votes: [Vote], to: LocalDay) -> Int {
        votes.filter { $0.day <= to && ($0.day.year, $0.day.month) == (to.year, to.month) }.count % size
    }
}
