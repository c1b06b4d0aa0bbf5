import Foundation
import Glibc
import KioskRuntime
import KioskTestSupport
import Testing

@testable import KioskDevices

@Suite struct PrinterTests {
    @Test func escPosCommandsAreTheDocumentedBytes() {
        var doc = EscPosDocument()
        doc.initialise()
        doc.align(.center)
        doc.bold(true)
        doc.size(width: 4, height: 4)
        doc.line("A015")
        doc.size(width: 1, height: 1)
        doc.bold(false)
        doc.align(.left)
        doc.feed(lines: 3)
        doc.cut(.partial)
        #expect(
            doc.bytes == [
                0x1B, 0x40, 0x1B, 0x61, 0x01, 0x1B, 0x45, 0x01, 0x1D, 0x21, 0x33,
                0x41, 0x30, 0x31, 0x35, 0x0A, 0x1D, 0x21, 0x00, 0x1B, 0x45, 0x00, 0x1B, 0x61, 0x00,
                0x1B, 0x64, 0x03, 0x1D, 0x56, 0x42, 0x00,
            ])
    }

    @Test func asciiTextDropsTheMarksOfEveryVietnameseLetter() {
        #expect(PrinterTextEncoding.ascii("Chứng thực bản sao") == Array("Chung thuc ban sao".utf8))
        #expect(PrinterTextEncoding.ascii("ĐĂNG KÝ HỘ TỊCH đất đai") == Array("DANG KY HO TICH dat dai".utf8))
        // Decomposed input (as some keyboards send it) gives the same bytes.
        #expect(PrinterTextEncoding.ascii("Ho\u{0323}\u{0302}") == Array("Ho".utf8))
        #expect(PrinterTextEncoding.ascii("Tab\there") == Array("Tab?here".utf8))
    }

    @Test func aSerialPrinterGetsTheBytesInRawMode() throws {
        let pty = try PseudoTerminal()
        let printer = DevicePathPrinter(path: pty.slavePath, baud: 115200)
        // Bytes a cooked tty would mangle: LF to CRLF, 0x11/0x13 flow control, 0x7F erase.
        let ticket: [UInt8] = [0x1B, 0x40, 0x0A, 0x11, 0x13, 0x7F, 0x0D] + Array(repeating: 0xA8, count: 3000)
        try printer.send(ticket)
        #expect(pty.drain() == ticket)

        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY)
        defer { close(fd) }
        var t = termios()
        #expect(tcgetattr(fd, &t) == 0)
        #expect(cfgetospeed(&t) == speed_t(B115200))
        #expect(t.c_lflag & tcflag_t(ICANON | ECHO | ISIG) == 0)
        #expect(t.c_oflag & tcflag_t(OPOST) == 0)
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(t.c_cflag & tcflag_t(PARENB | CSTOPB) == 0)
        #expect(t.c_iflag & tcflag_t(IXON | ICRNL) == 0)
        #expect(t.c_cflag & tcflag_t(CRTSCTS) == 0, "no hardware flow control unless asked")

        // Hardware flow control when the config asks for it, at another speed.
        try DevicePathPrinter(path: pty.slavePath, baud: 9600, rtsCts: true).send([0x0A])
        _ = pty.drain(timeoutMs: 100)
        #expect(tcgetattr(fd, &t) == 0)
        #expect(t.c_cflag & tcflag_t(CRTSCTS) != 0)
        #expect(cfgetospeed(&t) == speed_t(B9600))
    }

    @Test func aFilePrinterAppendsAndAMissingDeviceIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-printer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("printer.bin").path
        let printer = DevicePathPrinter(path: path)
        try printer.send([1, 2])
        try printer.send([3])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3]))

        let missing = DevicePathPrinter(path: "/dev/usb/lp-not-here")
        #expect(throws: DeviceError(path: "/dev/usb/lp-not-here", operation: "open", errno: ENOENT)) { try missing.send([1]) }
    }
}
