import Foundation
import Glibc
import Testing

/// `kiosk export --out` writes into what is there: a named pipe (or /dev/null) is not replaced
/// by a file, as an atomic write would do (as root, it would have replaced /dev/null).
@Suite struct ExportOutTests {
    @Test func anExportIntoANamedPipeLeavesThePipe() throws {
        let centre = try TestCentre("export-out")
        defer { centre.stop() }
        let pipe = "\(centre.folder)/out.fifo"
        #expect(mkfifo(pipe, 0o600) == 0)
        let received = Pipe()
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [pipe]
        reader.standardOutput = received
        try reader.run()
        let export = try centre.kiosk.run([
            "export", "--config", centre.config, "--from", "2026-01-01", "--to", "2026-12-31", "--out", pipe,
        ])
        #expect(export.status == 0, "\(export.err)")
        var info = stat()
        let stillAPipe = lstat(pipe, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
        #expect(stillAPipe, "still a named pipe")
        guard stillAPipe else {
            reader.terminate()  // it waits on the pipe that was replaced
            return
        }
        let text = String(decoding: received.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        #expect(text.contains("Mã cán bộ,Họ và tên"))
    }
}
