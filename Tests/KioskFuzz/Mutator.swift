/// Makes inputs from seeds by mutation: bit flips, random bytes, a parser's own tokens
/// inserted or repeated (deep nesting, long runs), pieces deleted, duplicated, spliced from
/// another seed, truncated. Deterministic for a seed, so a failure can be replayed.
import KioskSampleData

public struct Mutator {
    private var random: SplitMix64
    let seeds: [[UInt8]]
    let tokens: [[UInt8]]

    public init(seed: UInt64, seeds: [[UInt8]], tokens: [String]) {
        random = SplitMix64(seed: seed)
        self.seeds = seeds.isEmpty ? [[]] : seeds
        self.tokens = tokens.map { Array($0.utf8) }
    }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// The next input: a seed with one to eight mutations.
    public mutating func input() -> [UInt8] {
        var bytes = seeds[below(seeds.count)]
        for _ in 0...below(8) { mutate(&bytes) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let at = below(bytes.count + 1)
        switch below(10) {
        case 0 where !bytes.isEmpty:
            bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
        case 1 where !bytes.isEmpty:
            bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: next())
        case 2, 3:
            if !tokens.isEmpty { bytes.insert(contentsOf: tokens[below(tokens.count)], at: at) }
        case 4:
            // A run of one token: nesting and long repetitions.
            if !tokens.isEmpty {
                let token = tokens[below(tokens.count)]
                bytes.insert(contentsOf: Array([[UInt8]](repeating: token, count: 1 + below(200)).joined()), at: at)
            }
        case 5 where !bytes.isEmpty:
            let length = below(min(64, bytes.count - min(at, bytes.count - 1)) + 1)
            bytes.removeSubrange(min(at, bytes.count)..<min(at + length, bytes.count))
        case 6 where !bytes.isEmpty:
            let start = below(bytes.count)
            let length = below(min(64, bytes.count - start) + 1)
            bytes.insert(contentsOf: bytes[start..<start + length], at: at)
        case 7:
            let other = seeds[below(seeds.count)]
            if !other.isEmpty {
                let start = below(other.count)
                let length = below(other.count - start + 1)
                bytes.insert(contentsOf: other[start..<start + length], at: at)
            }
        case 8:
            bytes.removeLast(bytes.count - at)
        default:
            bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
        }
    }
}
