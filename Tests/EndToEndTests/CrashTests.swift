import Foundation
import KioskTestSupport
import Testing

/// `kill -9` at random moments while keypads are pressed fast: no number on paper twice, no
/// ticket on paper the store does not know, no acknowledged rating lost, none counted twice.
/// `scripts/soak` runs the same with hundreds of rounds.
@Suite(.serialized) struct CrashTests {
    @Test(arguments: [(CrashRounds.Policy.refuse, 10), (.issueAndFlag, 4)])
    func killedAtRandomMomentsNothingIsLostOrDoubled(policy: CrashRounds.Policy, rounds: Int) throws {
        var harness = try CrashRounds(kiosk: try KioskBinary().path, policy: policy)
        let figures = try harness.run(rounds: rounds)
        print("kill -9, \(policy.rawValue): \(figures)")
        #expect(figures.passed, "\(figures)")
        #expect(figures.ticketsOnPaper > rounds * 5, "the keypads really printed tickets: \(figures)")
        #expect(figures.ratingsAcknowledged > rounds * 5, "and stored ratings: \(figures)")
    }
}
