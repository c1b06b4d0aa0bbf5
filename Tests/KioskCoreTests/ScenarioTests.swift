import Foundation
import Testing

/// Each file in Scenarios/ is one story of the hall, checked step by step.
@Suite struct ScenarioTests {
    static let names: [String] = {
        let folder = Bundle.module.url(forResource: "Scenarios", withExtension: nil)!
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".scenario") }.sorted()
    }()

    @Test func scenariosExist() {
        #expect(Self.names.count >= 6)
    }

    @Test(arguments: names)
    func scenario(_ name: String) throws {
        let url = Bundle.module.url(forResource: "Scenarios", withExtension: nil)!.appendingPathComponent(name)
        var runner = ScenarioRunner()
        do {
            try runner.run(try String(contentsOf: url, encoding: .utf8))
        } catch {
            Issue.record("\(name) \(error)")
        }
    }
}

/// The runner itself must be able to fail, or the scenarios prove nothing.
@Test func scenarioRunnerReportsAWrongExpectation() {
    var runner = ScenarioRunner()
    let story = """
        service A prefix=A from=1 to=999 "Chứng thực"
        counter 1 A
        day 2026-03-02
        08:00 issue A => issued A002 ahead 0
        """
    #expect(throws: ScenarioRunner.Failure.self) { try runner.run(story) }
}

@Test func scenarioRunnerReportsAnUnexpectedRefusal() {
    var runner = ScenarioRunner()
    let story = """
        service A prefix=A from=1 to=999 "Chứng thực"
        counter 1 A
        day 2026-03-02
        08:00 next 1
        """
    #expect(throws: ScenarioRunner.Failure.self) { try runner.run(story) }
}
