import Foundation
import KioskDevices

/// Reads QR codes out of a picture with zbarimg (Debian's zbar-tools), as a phone would:
/// the test of a printed code is that something else can read it.
public enum QRReader {
    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The text of every QR code zbarimg finds in `image`, top to bottom.
    public static func read(_ image: MonoBitmap) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-qr-\(UUID().uuidString).png")
        try PNGWriter.png(image).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try read(file: file.path)
    }

    /// The same, from a picture file (a PNG `kiosk ticket-preview` wrote).
    public static func read(file path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Failed(description: "cannot run zbarimg (apt-get install zbar-tools): \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // zbarimg exits 4 when it found no code: that is an answer, not a failure.
        guard process.terminationStatus == 0 || process.terminationStatus == 4 else {
            throw Failed(description: "zbarimg exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
