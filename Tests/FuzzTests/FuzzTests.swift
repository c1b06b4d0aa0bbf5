import KioskFuzz
import Testing

/// A few thousand generated inputs for each parser that reads what the outside world sends;
/// `scripts/soak` feeds each a million. No crash, no hang, no wrong kind of answer.
@Suite struct FuzzTests {
    @Test(arguments: FuzzTarget.all.map(\.name))
    func aParserSurvivesGeneratedInputs(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let figures = FuzzRun.run(target, count: name == "toml" ? 2_000 : 5_000, seed: 20261201)
        #expect(figures.broken.isEmpty, "\(figures.broken)")
        #expect(figures.inputs > 0)
    }
}
