import Foundation

extension VoiceSettings {
    /// `[voice]`; nil when absent. `reasonQuestion`: what the voice asks after a dissatisfied
    /// press, when the rating section wants it spoken.
    static func read(_ top: TableReader, reasonQuestion: String?) throws(ConfigError) -> VoiceSettings? {
        guard let v = try top.table("voice") else { return nil }
        let output: VoiceSettings.Output
        if v.has("command") {
            output = .command(try v.string("command"))
        } else if v.has("directory") {
            output = .directory(try v.path("directory"), keep: try v.int("keep_files", default: 100, in: 1...100_000))
        } else {
            throw v.error("command", "missing: give command = \"aplay -q {file}\" to play, or directory = \"...\" to write WAV files")
        }
        let name = try v.string("voice", default: "vi")
        guard ["vi", "vi-vn-x-central", "vi-vn-x-south"].contains(name) else {
            throw v.error("voice", "\(name) is not a Vietnamese voice: use vi, vi-vn-x-central or vi-vn-x-south")
        }
        let clips = try v.optionalPath("clips")
        if let clips {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: clips, isDirectory: &isFolder), isFolder.boolValue else {
                throw v.error("clips", "\(clips) is not a folder of WAV clips")
            }
        }
        var voice = VoiceSettings(
            voice: name, speed: try v.int("speed", default: 140, in: 80...300),
            wording: try v.string("wording", default: VoiceSettings.defaultWording),
            chime: try v.bool("chime", default: true), output: output, clips: clips)
        voice.reasonQuestion = reasonQuestion
        try v.finish()
        return voice
    }
}
