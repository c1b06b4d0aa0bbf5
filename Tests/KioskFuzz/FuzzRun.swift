import Foundation
import Synchronization

/// Feeds one target `count` generated inputs, timing each. A crash ends the process (the
/// caller reports it); an input that runs longer than `hangAfter` is written out and the
/// process stopped, since a hang is a failure too.
public enum FuzzRun {
    public struct Figures: Sendable, CustomStringConvertible {
        public var target: String
        public var inputs = 0
        /// Inputs the parser answered wrongly (see `FuzzTarget.Broken`); crashes end the run.
        public var broken: [String] = []
        public var slowestMicroseconds = 0.0
        public var seconds = 0.0
        public var description: String {
            "\(target): \(inputs) inputs in \(String(format: "%.1f", seconds)) s, 0 crashes, 0 hangs, slowest \(String(format: "%.1f", slowestMicroseconds / 1000)) ms, \(broken.count) wrong answers"
        }
    }

    public static func run(_ target: FuzzTarget, count: Int, seed: UInt64, hangAfter: Duration = .seconds(2)) -> Figures {
        var mutator = Mutator(seed: seed, seeds: target.seeds, tokens: target.tokens)
        var figures = Figures(target: target.name)
        let current = Mutex<(input: [UInt8], started: ContinuousClock.Instant?)>(([], nil))
        let done = Mutex(false)
        let watchdog = Thread {
            while !done.withLock({ $0 }) {
                usleep(100_000)
                let (input, started) = current.withLock { $0 }
                if let started, ContinuousClock.now - started > hangAfter {
                    let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-fuzz-hang-\(target.name).bin").path
                    FileManager.default.createFile(atPath: file, contents: Data(input))
                    FileHandle.standardError.write(Data("\(target.name): an input ran longer than \(hangAfter): saved in \(file)\n".utf8))
                    exit(3)
                }
            }
        }
        watchdog.start()
        let clock = ContinuousClock()
        let began = clock.now
        for _ in 0..<count {
            let input = mutator.input()
            let started = clock.now
            current.withLock { $0 = (input, started) }
            do { try target.run(input) } catch {
                if figures.broken.count < 10 {
                    figures.broken.append("\(error) — input: \(input.prefix(200).map { String(format: "%02x", $0) }.joined())")
                }
            }
            let took = clock.now - started
            figures.slowestMicroseconds = max(
                figures.slowestMicroseconds, Double(took.components.attoseconds) / 1e12 + Double(took.components.seconds) * 1e6)
            figures.inputs += 1
        }
        current.withLock { $0 = ([], nil) }
        done.withLock { $0 = true }
        let total = clock.now - began
        figures.seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        return figures
    }
}
