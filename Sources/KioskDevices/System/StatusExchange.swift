import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The `DLE EOT` exchange on an open, non-blocking descriptor: drain what is pending, ask
/// each query, keep the first reply byte that looks like a status byte (printers also send
/// unsolicited bytes), give up on a query after `timeoutMs`. Bounded in bytes and time: a
/// printer that streams bytes forever cannot keep it reading.
func queryStatus(fd: Int32, path: String, timeoutMs: Int32, by deadline: Deadline) throws(DeviceError) -> PrinterStatus {
    var scratch = [UInt8](repeating: 0, count: 256)
    var drained = 0
    while drained < 4096, !deadline.hasPassed {
        let n = read(fd, &scratch, scratch.count)
        if n <= 0 { break }
        drained += n
    }
    var status = PrinterStatus.unknown
    for n in PrinterStatus.queries {
        let queryDeadline = Deadline.after(milliseconds: Int(timeoutMs)).capped(at: deadline)
        try writeAll([0x10, 0x04, n], to: fd, path: path, by: queryDeadline)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var answered = false
        var seen = 0
        while !answered, seen < 64, poll(&pfd, 1, queryDeadline.remainingMs()) > 0 {
            var byte: UInt8 = 0
            let got = read(fd, &byte, 1)
            if got <= 0 { break }
            seen += 1
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
