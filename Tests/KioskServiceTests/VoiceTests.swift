import Foundation
import KioskCore
import KioskDevices
import KioskStore
import KioskTestSupport
import Logging
import Testing

@testable import KioskService

@Suite struct VoiceTests {
    @Test func theSentenceSpellsTheNumberAndNamesTheCounter() {
        let settings = VoiceSettings(
            voice: "vi", speed: 140, wording: VoiceSettings.defaultWording, chime: true, output: .directory("/tmp", keep: 10))
        #expect(
            settings.sentence(number: "1023", counter: CounterNumber(3))
                == "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số ba")
        #expect(
            settings.sentence(number: "A015", counter: CounterNumber(12)) == "Mời công dân có số thứ tự a mười lăm đến quầy số mười hai")
        var english = settings
        english.wording = "Number {number}, please go to counter {counter}"
        #expect(english.sentence(number: "B007", counter: CounterNumber(2)) == "Number bê bảy, please go to counter hai")
    }

    @Test func callsAreSpokenOneAfterAnotherInOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID().uuidString)").path
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        let rules = QueueRules(
            services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
            counters: [CounterDefinition(number: CounterNumber(3), services: [ServiceCode("A")])])
        let engine = try QueueEngine(rules: rules, database: database)
        let settings = VoiceSettings(
            voice: "vi", speed: 160, wording: VoiceSettings.defaultWording, chime: true,
            output: .directory("\(folder)/voice", keep: 100))
        let voice = Task { try await VoiceService(engine: engine, settings: settings, logger: Logger(label: "test")).run() }
        try await waitUntil("the voice to follow the queue") { await engine.subscriberCount == 1 }
        let three = CounterNumber(3)
        try await engine.perform(.signIn(counter: three, officer: OfficerID("an")))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false))
        try await engine.perform(.callNext(counter: three))
        try await engine.perform(.recall(counter: three))
        try await engine.perform(.callNext(counter: three))
        func files() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/voice")) ?? []).sorted() }
        try await waitUntil("three announcements", seconds: 30) { files().count >= 3 }
        await engine.closeSubscriptions()
        voice.cancel()
        #expect(
            files().map { String($0.dropFirst(16)) } == ["000001-A001-quay3.wav", "000002-A001-quay3.wav", "000003-A002-quay3.wav"],
            "call, recall, next call: in that order, each once")
        for file in files() {
            let audio = try #require(PCMAudio(wav: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/voice/\(file)"))))
            #expect(audio.sampleRate == 22050)
            // A chime (about a second) and a sentence of some fifteen words.
            #expect(audio.duration > 2.5 && audio.duration < 12, "\(file): \(audio.duration) s")
        }
    }

    /// With `reason_voice`, a press that asks for a reason is answered by the question aloud;
    /// a press that asks nothing is not.
    @Test func theReasonQuestionIsSpokenWhenConfigured() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        [centre]
        name = "Xã Thử"
        [database]
        path = "kiosk.sqlite"
        [rating]
        reasons = ["Thái độ phục vụ", "Thời gian chờ lâu"]
        reason_voice = true
        handover_seconds = 0
        [voice]
        directory = "voice"
        [[services]]
        code = "A"
        name = "Chứng thực"
        prefix = "A"
        [[counters]]
        number = 3
        services = ["A"]
        """.write(toFile: "\(folder)/kiosk.toml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(file: "\(folder)/kiosk.toml")
        let settings = try #require(config.voice)
        #expect(settings.reasonQuestion == "Vui lòng cho biết lý do. Phím 1: Thái độ phục vụ. Phím 2: Thời gian chờ lâu.")
        let database = try KioskDatabase(path: config.databasePath)
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        let engine = try QueueEngine(rules: config.rules, database: database)
        let voice = Task { try await VoiceService(engine: engine, settings: settings, logger: Logger(label: "test")).run() }
        try await waitUntil("the voice to follow the queue") { await engine.subscriberCount == 1 }
        let three = CounterNumber(3)
        try await engine.perform(.signIn(counter: three, officer: OfficerID("an")))
        for _ in 0..<2 { try await engine.perform(.issueTicket(service: ServiceCode("A"), priority: false)) }
        try await engine.perform(.callNext(counter: three))
        try await engine.perform(.rate(counter: three, level: 1))  // A001: "Rất hài lòng" asks nothing
        try await engine.perform(.callNext(counter: three))
        try await engine.perform(.rate(counter: three, level: 3))  // A002: "Không hài lòng" asks
        func files() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/voice")) ?? []).sorted() }
        try await waitUntil("the call and the question", seconds: 30) { files().count >= 3 }
        await engine.closeSubscriptions()
        voice.cancel()
        #expect(files().map { String($0.dropFirst(23)) } == ["A001-quay3.wav", "A002-quay3.wav", "ly-do-quay3.wav"])
    }

    @Test func onlyTheNewestAnnouncementFilesAreKept() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID().uuidString)").path
        let audio = PCMAudio.chime()
        // Across a restart too: names sort by time, not by a counter that starts again.
        let names = [
            "20261130-170000-000007-A099-quay1.wav", "20261201-080000-000001-A001-quay1.wav",
            "20261201-080100-000002-A002-quay2.wav", "20261201-080200-000003-B001-quay1.wav",
        ]
        for name in names { _ = try VoiceService.play(audio, .directory(folder, keep: 2), name: name) }
        try Data("not ours".utf8).write(to: URL(fileURLWithPath: "\(folder)/notes.wav"))
        _ = try VoiceService.play(audio, .directory(folder, keep: 2), name: "20261201-080300-000004-B002-quay2.wav")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == ["20261201-080200-000003-B001-quay1.wav", "20261201-080300-000004-B002-quay2.wav", "notes.wav"])
    }

    @Test func theFileNameNeverReachesTheShellAsCode() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The command runs in the player's folder: anything it would create appears there.
        let hostile = "\(folder)/it's \"A'1\" $(touch pwned); `touch pwned2`.wav"
        try Data("RIFF".utf8).write(to: URL(fileURLWithPath: hostile))
        try VoiceService.run("cd \(folder) && cp {file} played.wav", file: hostile, timeout: 10)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/played.wav"), "the player got the file")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/pwned"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/pwned2"))
        // Ticket numbers become plain file names.
        #expect(VoiceService.fileSafe("A'1; rm -rf /") == "A_1__rm__rf__")
    }

    @Test func aChimeAndSpeechJoinIntoOneWAV() throws {
        let speech = try EspeakSpeech(voice: "vi-vn-x-south").synthesize("Xin cảm ơn")
        let joined = PCMAudio.chime() + speech
        let back = try #require(PCMAudio(wav: joined.wav()))
        #expect(back == joined)
        #expect(abs(back.duration - (PCMAudio.chime().duration + speech.duration)) < 0.001)
    }
}

@Suite struct ClipVoiceTests {
    /// Clips "recorded" with espeak-ng, named after what they say.
    func folderOfClips(_ phrases: [String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-clips-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for phrase in phrases {
            try EspeakSpeech().synthesize(phrase).wav().write(to: URL(fileURLWithPath: "\(folder)/\(phrase).wav"))
        }
        return folder
    }

    @Test func clipsAreJoinedLongestPhraseFirst() throws {
        let folder = try folderOfClips(["mời công dân có số thứ tự", "mời", "a", "mười", "lăm", "đến", "quầy số", "ba"])
        let settings = VoiceSettings(
            voice: "vi", speed: 140, wording: VoiceSettings.defaultWording, chime: false, output: .directory(folder, keep: 10),
            clips: folder)
        let sentence = settings.sentence(number: "A015", counter: CounterNumber(3))
        let speech = ClipSpeech(folder: folder)
        #expect(try speech.plan(sentence) == ["mời công dân có số thứ tự", "a", "mười", "lăm", "đến", "quầy số", "ba"])
        let audio = try speech.synthesize(sentence)
        let parts = try ["mời công dân có số thứ tự", "a", "mười", "lăm", "đến", "quầy số", "ba"].map {
            try #require(PCMAudio(wav: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0).wav"))))
        }
        let expected = parts.reduce(0) { $0 + $1.samples.count } + 6 * (audio.sampleRate / 20)
        #expect(audio.samples.count == expected, "the clips and five-centisecond pauses, nothing else")
    }

    @Test func aMissingClipIsNamedForTheInstaller() throws {
        let folder = try folderOfClips(["mời công dân có số thứ tự", "đến", "quầy số", "ba"])
        #expect(throws: ClipSpeech.MissingClips.self) {
            try ClipSpeech(folder: folder).plan("Mời công dân có số thứ tự a mười lăm đến quầy số ba")
        }
        do { _ = try ClipSpeech(folder: folder).plan("Mời công dân có số thứ tự a mười lăm đến quầy số ba") } catch {
            #expect(error.words == ["a", "mười", "lăm"])
            #expect(error.description.contains("mười.wav"))
        }
    }
}
