import Foundation

/// 16-bit mono PCM, the format espeak-ng writes: enough to add a chime in front of speech
/// and to write the result as one WAV file.
public struct PCMAudio: Sendable, Equatable {
    public var sampleRate: Int
    public var samples: [Int16]

    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    /// Two soft notes (a falling "ding-dong"), so heads turn before the words.
    public static func chime(sampleRate: Int = 22050) -> PCMAudio {
        var samples: [Int16] = []
        for (frequency, length) in [(880.0, 0.35), (660.0, 0.5)] {
            let count = Int(Double(sampleRate) * length)
            for i in 0..<count {
                let t = Double(i) / Double(sampleRate)
                let envelope = exp(-3.5 * t / length)
                samples.append(Int16(9000 * envelope * sin(2 * .pi * frequency * t)))
            }
        }
        samples += [Int16](repeating: 0, count: sampleRate / 5)
        return PCMAudio(sampleRate: sampleRate, samples: samples)
    }

    public static func + (a: PCMAudio, b: PCMAudio) -> PCMAudio {
        precondition(a.sampleRate == b.sampleRate, "joined audio must share a sample rate")
        return PCMAudio(sampleRate: a.sampleRate, samples: a.samples + b.samples)
    }

    public func wav() -> Data {
        var d = Data("RIFF".utf8)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        u32(36 + samples.count * 2)
        d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(1)
        u16(1)
        u32(sampleRate)
        u32(sampleRate * 2)
        u16(2)
        u16(16)
        d.append(contentsOf: Array("data".utf8))
        u32(samples.count * 2)
        for s in samples { withUnsafeBytes(of: s.littleEndian) { d.append(contentsOf: $0) } }
        return d
    }

    /// Reads a 16-bit mono PCM WAV (espeak-ng's output); nil for anything else.
    public init?(wav data: Data) {
        let bytes = [UInt8](data)
        guard bytes.count >= 44, bytes[0..<4] == Array("RIFF".utf8)[...], bytes[8..<12] == Array("WAVE".utf8)[...] else { return nil }
        func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        var i = 12
        var rate = 0
        while i + 8 <= bytes.count {
            let id = String(decoding: bytes[i..<i + 4], as: UTF8.self)
            let size = u32(i + 4)
            if id == "fmt " {
                guard u16(i + 8) == 1, u16(i + 10) == 1, u16(i + 22) == 16 else { return nil }
                rate = u32(i + 12)
            } else if id == "data" {
                // espeak-ng writing to a file leaves the size at its maximum when streaming: take what is there.
                let end = min(bytes.count, i + 8 + size)
                var samples: [Int16] = []
                samples.reserveCapacity((end - i - 8) / 2)
                var j = i + 8
                while j + 1 < end {
                    samples.append(Int16(bitPattern: UInt16(bytes[j]) | UInt16(bytes[j + 1]) << 8))
                    j += 2
                }
                guard rate > 0 else { return nil }
                self.init(sampleRate: rate, samples: samples)
                return
            }
            i += 8 + size + (size & 1)
        }
        return nil
    }
}

/// Speech in Vietnamese, offline, through espeak-ng (Debian's package).
public struct EspeakSpeech: Sendable {
    /// `vi` (Northern), `vi-vn-x-central`, `vi-vn-x-south`.
    public let voice: String
    /// Words per minute; slower than espeak's 175 is easier to follow in a hall.
    public let speed: Int

    public init(voice: String = "vi", speed: Int = 140) {
        self.voice = voice
        self.speed = speed
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Blocks while espeak-ng runs: call it off the cooperative pool.
    public func synthesize(_ text: String) throws -> PCMAudio {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", voice, "-s", String(speed), "-w", out.path, text.precomposedStringWithCanonicalMapping]
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            throw Failure(description: "cannot run espeak-ng (apt-get install espeak-ng): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: out), let audio = PCMAudio(wav: data) else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(description: "espeak-ng failed (voice \(voice)): \(message)")
        }
        return audio
    }
}
