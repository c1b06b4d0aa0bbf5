import Foundation
import KioskCore
import KioskDevices
import KioskRuntime
import Logging
import ServiceLifecycle

/// How calls are spoken, from `[voice]`.
public struct VoiceSettings: Sendable, Equatable {
    public enum Output: Sendable, Equatable {
        /// A command that plays a WAV file; `{file}` stands for its path (`aplay -q {file}`).
        /// The path reaches the command as an argument, never as text for the shell to read.
        case command(String)
        /// No sound card: each announcement is written there as a WAV file; the newest
        /// `keep` files are kept, older ones deleted.
        case directory(String, keep: Int)
    }

    /// `vi`, `vi-vn-x-central` or `vi-vn-x-south`.
    public var voice: String
    public var speed: Int
    /// With `{số}` (or `{number}`) and `{quầy}` (or `{counter}`).
    public var wording: String
    public var chime: Bool
    public var output: Output
    /// A folder of recorded clips to join instead of espeak-ng.
    public var clips: String?
    /// Said after a press that asks for a reason (`[rating] reason_voice`), with the reasons'
    /// keys: "Vui lòng cho biết lý do. Phím 1: Thái độ phục vụ. …"; nil: not said.
    public var reasonQuestion: String?

    public init(voice: String, speed: Int, wording: String, chime: Bool, output: Output, clips: String? = nil) {
        self.voice = voice
        self.speed = speed
        self.wording = wording
        self.chime = chime
        self.output = output
        self.clips = clips
    }

    public static let defaultWording = "Mời công dân có số thứ tự {số} đến quầy số {quầy}"

    /// The sentence for a call, numbers spelled out as they are said.
    public func sentence(number display: String, counter: CounterNumber) -> String {
        let number = VietnameseNumbers.ticket(display)
        let desk = VietnameseNumbers.words(counter.rawValue)
        return wording.replacingOccurrences(of: "{số}", with: number).replacingOccurrences(of: "{number}", with: number)
            .replacingOccurrences(of: "{quầy}", with: desk).replacingOccurrences(of: "{counter}", with: desk)
            .precomposedStringWithCanonicalMapping
    }
}

/// Calls numbers out loud. Announcements follow the committed events one at a time, so they
/// never overlap and always name the counter; a recall is announced again.
public struct VoiceService: Service {
    let engine: QueueEngine
    let settings: VoiceSettings
    let logger: Logger
    private let speech: EspeakSpeech
    private let work = WorkerThread(name: "voice")

    public init(engine: QueueEngine, settings: VoiceSettings, logger: Logger) {
        self.engine = engine
        self.settings = settings
        self.logger = logger
        speech = EspeakSpeech(voice: settings.voice, speed: settings.speed)
    }

    public func run() async throws {
        let (_, events) = await engine.subscribe()
        var played = 0
        let started = Self.stamp(Date())
        let rules = engine.rules
        for await event in events {
            let text: String
            let what: String
            switch event.kind {
            case .ticketCalled(_, let display, let counter, _), .ticketRecalled(_, let display, let counter, _),
                .ticketReturned(_, let display, let counter):
                (text, what) = (settings.sentence(number: display, counter: counter), "\(Self.fileSafe(display))-quay\(counter.rawValue)")
            case .ratingRecorded(let rating) where settings.reasonQuestion != nil && rules.asksReason(rating):
                (text, what) = (settings.reasonQuestion!, "ly-do-quay\(rating.counter.rawValue)")
            default:
                continue
            }
            played += 1
            await announce(text, name: "\(started)-\(String(format: "%06d", played))-\(what).wav")
        }
        try? await gracefulShutdown()
    }

    /// `20261201-081503`: file names sort in time order, across restarts too.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d-%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Letters and digits only: a ticket number never makes a path or a shell word.
    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    private func announce(_ text: String, name: String) async {
        let settings = self.settings
        let speech = self.speech
        let result: Result<String, any Error> = await work.run {
            let words = try settings.clips.map { try ClipSpeech(folder: $0).synthesize(text) } ?? speech.synthesize(text)
            let chime = settings.chime ? PCMAudio.chime(sampleRate: words.sampleRate) : PCMAudio(sampleRate: words.sampleRate, samples: [])
            return try Self.play(chime + words, settings.output, name: name)
        }
        switch result {
        case .success(let destination):
            logger.info("announced", metadata: ["text": "\(text)", "audio": "\(destination)"])
        case .failure(let error):
            logger.error("announcement failed", metadata: ["text": "\(text)", "error": "\(error)"])
        }
    }

    /// Plays (or files) one announcement and waits until it is over.
    static func play(_ audio: PCMAudio, _ output: VoiceSettings.Output, name: String) throws -> String {
        switch output {
        case .directory(let folder, let keep):
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = "\(folder)/\(name)"
            try audio.wav().write(to: URL(fileURLWithPath: path))
            prune(folder, keep: keep)
            return path
        case .command(let template):
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(name)")
            defer { try? FileManager.default.removeItem(at: file) }
            try audio.wav().write(to: file)
            try run(template, file: file.path, timeout: 120)
            return template
        }
    }

    /// Runs the player through the shell, with the file as `$1`: whatever the file is
    /// called, the shell never reads it as part of the command.
    static func run(_ template: String, file: String, timeout: TimeInterval) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", template.replacingOccurrences(of: "{file}", with: "\"$1\""), "kiosk-voice", file]
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            ended.wait()
            throw AudioCommandFailed(description: "audio command still running after \(Int(timeout)) s, stopped: \(template)")
        }
        guard process.terminationStatus == 0 else {
            throw AudioCommandFailed(description: "audio command exited with \(process.terminationStatus): \(template)")
        }
    }

    /// Deletes the oldest announcements beyond `keep`: a year of calls would fill the disk.
    /// Only files this service names (`YYYYMMDD-HHMMSS-…wav`) are touched.
    static func prune(_ folder: String, keep: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let ours = names.filter { name in
            name.hasSuffix(".wav") && name.count > 16
                && name.prefix(15).enumerated().allSatisfy { i, c in i == 8 ? c == "-" : c.isASCII && c.isNumber }
        }.sorted()
        for old in ours.dropLast(keep) { try? FileManager.default.removeItem(atPath: "\(folder)/\(old)") }
    }
}

struct AudioCommandFailed: Error, CustomStringConvertible {
    let description: String
}
