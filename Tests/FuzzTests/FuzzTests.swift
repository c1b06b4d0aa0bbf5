import KioskFuzz
import KioskTestSupport
import Testing

/// A few thousand generated inputs for each parser that reads what the outside world sends;
/// `scripts/soak` feeds each a million. No crash, no hang, no wrong kind of answer.
@Suite struct FuzzTests {
    @Test(arguments: FuzzTarget.all.map(\.name))
    func aParserSurvivesGeneratedInputs(_ name: String) async throws {
        let target = try #require(FuzzTarget.named(name))
        // Seconds of work: on a thread of its own, not on the threads the other tests wait on.
        let figures = try await offThePool { FuzzRun.run(target, count: name == "toml" ? 2_000 : 5_000, seed: 20_261_201) }
        #expect(figures.broken.isEmpty, "\(figures.broken)")
        #expect(figures.inputs > 0)
    }
}
