import Foundation

/// Speech joined from pre-recorded clips: a folder of WAV files named after what they say
/// (`mời công dân có số thứ tự.wav`, `mười.wav`, `lăm.wav`, `quầy số.wav`, `ba.wav`). The
/// longest phrase with a clip wins, word by word. Human voices sound better than espeak-ng.
public struct ClipSpeech: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    public struct MissingClips: Error, CustomStringConvertible {
        public let words: [String]
        public let folder: String
        public var description: String {
            "no clip for \(words.map { "«\($0)»" }.joined(separator: ", ")) in \(folder): record \(words.map { "\($0).wav" }.joined(separator: ", "))"
        }
    }

    public struct BadClip: Error, CustomStringConvertible {
        public let description: String
    }

    /// The clips' names, lower case and composed, without `.wav`.
    func available() -> Set<String> {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(files.filter { $0.hasSuffix(".wav") }.map { String($0.dropLast(4)).precomposedStringWithCanonicalMapping.lowercased() })
    }

    /// The clip names that say `text`, or the words without a clip.
    public func plan(_ text: String) throws(MissingClips) -> [String] {
        let clips = available()
        let words = text.precomposedStringWithCanonicalMapping.lowercased()
            .split { $0 == " " || $0 == "," || $0 == "." }.map(String.init)
        let longest = clips.map { $0.split(separator: " ").count }.max() ?? 1
        var plan: [String] = []
        var missing: [String] = []
        var i = 0
        while i < words.count {
            var found = false
            for length in stride(from: min(longest, words.count - i), through: 1, by: -1) {
                let phrase = words[i..<i + length].joined(separator: " ")
                if clips.contains(phrase) {
                    plan.append(phrase)
                    i += length
                    found = true
                    break
                }
            }
            if !found {
                missing.append(words[i])
                i += 1
            }
        }
        guard missing.isEmpty else { throw MissingClips(words: missing, folder: folder) }
        return plan
    }

    /// The clips joined, with a short pause between them.
    public func synthesize(_ text: String) throws -> PCMAudio {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var byKey: [String: String] = [:]
        for name in names where name.hasSuffix(".wav") {
            byKey[String(name.dropLast(4)).precomposedStringWithCanonicalMapping.lowercased()] = name
        }
        var joined: PCMAudio?
        for phrase in try plan(text) {
            let path = "\(folder)/\(byKey[phrase]!)"
            guard let clip = PCMAudio(wav: try Data(contentsOf: URL(fileURLWithPath: path))) else {
                throw BadClip(description: "\(path) is not a 16-bit mono PCM WAV")
            }
            if let current = joined, current.sampleRate != clip.sampleRate {
                throw BadClip(
                    description: "\(path) is at \(clip.sampleRate) Hz, the others at \(current.sampleRate) Hz: record all clips alike")
            }
            let pause = PCMAudio(sampleRate: clip.sampleRate, samples: [Int16](repeating: 0, count: clip.sampleRate / 20))
            joined = joined.map { $0 + pause + clip } ?? clip
        }
        return joined ?? PCMAudio(sampleRate: 22050, samples: [])
    }
}
