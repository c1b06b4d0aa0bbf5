#if canImport(Glibc)
import Glibc
#endif

/// The `DLE EOT` exchange on an open, non-blocking descriptor: drain what is pending, ask
/// each query, keep the first reply byte that looks like a status byte (printers also send
/// unsolicited bytes), give up on a query after `timeoutMs`.
func queryStatus(fd: Int32, path: String, timeoutMs: Int32) throws(DeviceError) -> PrinterStatus {
    var scratch = [UInt8](repeating: 0, count: 256)
    while read(fd, &scratch, scratch.count) > 0 {}
    var status = PrinterStatus.unknown
    for n in PrinterStatus.queries {
        try writeAll([0x10, 0x04, n], to: fd, path: path, timeoutMs: timeoutMs)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var answered = false
        while !answered, poll(&pfd, 1, timeoutMs) > 0 {
            var byte: UInt8 = 0
            let got = read(fd, &byte, 1)
            if got <= 0 { break }
            if PrinterStatus.isValidReply(byte) {
                status.record(query: n, reply: byte)
                answered = true
            }
        }
        // One silent query means a printer that does not answer: do not wait for the others.
        if !answered { return status }
    }
    return status
}
