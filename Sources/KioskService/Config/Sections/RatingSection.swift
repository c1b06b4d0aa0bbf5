import Foundation
import KioskCore

extension QueueRules {
    /// `[rating]`: the scale, how a press links to a ticket, which press counts, bursts and
    /// reasons, into the rules; answers what the citizen is thanked with.
    mutating func readRatingSection(_ top: TableReader) throws(ConfigError) -> ThanksSettings {
        var thanks = ThanksSettings()
        guard let t = try top.table("rating") else { return thanks }
        let labels = try t.strings("levels", default: RatingScale.threeLevels.levels.map(\.label))
        guard (2...7).contains(labels.count) else { throw t.error("levels", "a scale has 2 to 7 levels, best first") }
        let defaultSatisfied = labels.count == 3 ? 2 : labels.count / 2
        let satisfied = try t.int("satisfied_levels", default: defaultSatisfied, in: 1...labels.count - 1)
        ratingScale = RatingScale(levels: labels.enumerated().map { RatingLevel(label: $0.element, satisfied: $0.offset < satisfied) })
        ratingWindow = TimeInterval(try t.int("link_window_seconds", default: Int(Self.defaultRatingWindow), in: 0...3600))
        ratingHandover = TimeInterval(try t.int("handover_seconds", default: Int(Self.defaultRatingHandover), in: 0...600))
        thanks.message = try t.string("thanks", default: thanks.message)
        thanks.board = try t.string("board_thanks", default: thanks.board)
        thanks.seconds = try t.int("thanks_seconds", default: thanks.seconds, in: 1...60)
        let voteName = try t.string("vote", default: "first")
        switch voteName {
        case "first": ratingVote = .first
        case "last": ratingVote = .last(correction: TimeInterval(try t.int("correction_seconds", default: 10, in: 1...120)))
        default: throw t.error("vote", "\(voteName) is not a vote rule: use first, or last (with correction_seconds)")
        }
        let burstPresses = try t.int("burst_presses", default: Self.defaultRatingBurst.presses, in: 0...100)
        let burstSeconds = try t.int("burst_seconds", default: Int(Self.defaultRatingBurst.seconds), in: 1...600)
        ratingBurst = burstPresses == 0 ? nil : RatingBurst(presses: burstPresses, seconds: TimeInterval(burstSeconds))
        if t.has("reasons") {
            let texts = try t.strings("reasons")
            guard (1...9).contains(texts.count) else {
                throw t.error("reasons", "give 1 to 9 short reasons, as the keypad's keys number them")
            }
            // By default the levels that do not count as satisfied ask ("Không hài lòng").
            let asking = t.has("reason_levels") ? try t.ints("reason_levels", in: 1...labels.count) : Array(satisfied + 1...labels.count)
            ratingReasons = RatingReasons(
                labels: texts, askLevels: Set(asking),
                seconds: TimeInterval(try t.int("reason_seconds", default: 20, in: 3...300)))
            thanks.reasonPrompt = try t.string("reason_prompt", default: thanks.reasonPrompt)
            thanks.reasonBoard = try t.string("board_reason", default: thanks.reasonBoard)
            thanks.reasonSpoken = try t.bool("reason_voice", default: false)
        }
        try t.finish()
        return thanks
    }
}
