import Foundation
import KioskFuzz
import KioskTestSupport

/// The long suites of `scripts/soak`: rounds of kill -9 against the real daemon, and a
/// million generated inputs for each parser. Prints its figures; exits 1 if any is wrong.
///
///     kiosk-soak crash --kiosk PATH [--rounds 200] [--policy refuse|issue-and-flag]
///     kiosk-soak fuzz [--inputs 1000000] [--seed N] [--target NAME]
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    arguments.firstIndex(of: "--\(name)").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}
/// Each figure as soon as it is known (standard output is a pipe under scripts/soak).
func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

switch arguments.first {
case "crash":
    guard let kiosk = option("kiosk") else {
        say("--kiosk PATH is needed")
        exit(2)
    }
    let rounds = Int(option("rounds") ?? "200") ?? 200
    let policy = CrashRounds.Policy(rawValue: option("policy") ?? "refuse") ?? .refuse
    do {
        var harness = try CrashRounds(kiosk: kiosk, policy: policy)
        let figures = try harness.run(rounds: rounds) { figures in
            if figures.rounds % 20 == 0 { say("  after \(figures.rounds) rounds: \(figures)") }
        }
        say("kill -9 (\(policy.rawValue)): \(figures)")
        exit(figures.passed ? 0 : 1)
    } catch {
        say("kill -9 (\(policy.rawValue)) could not run: \(error)")
        exit(1)
    }
case "fuzz":
    let inputs = Int(option("inputs") ?? "1000000") ?? 1_000_000
    let seed = UInt64(option("seed") ?? "20261201") ?? 20_261_201
    let targets = option("target").map { name in FuzzTarget.all.filter { $0.name == name } } ?? FuzzTarget.all
    var wrong = false
    for target in targets {
        let figures = FuzzRun.run(target, count: inputs, seed: seed)
        say("fuzz \(figures)")
        for answer in figures.broken { say("  wrong answer: \(answer)") }
        wrong = wrong || !figures.broken.isEmpty
    }
    exit(wrong ? 1 : 0)
default:
    say(
        "usage: kiosk-soak crash --kiosk PATH [--rounds N] [--policy refuse|issue-and-flag] | kiosk-soak fuzz [--inputs N] [--seed N] [--target NAME]"
    )
    exit(2)
}
