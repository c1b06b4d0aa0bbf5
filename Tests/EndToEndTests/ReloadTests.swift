import Foundation
import Glibc
import KioskTestSupport
import Synchronization
import Testing

/// `systemctl reload kiosk` (SIGHUP) while tickets are issued: a valid file is applied
/// without losing the queue or a ticket; an invalid one is refused and the old one stays.
@Suite(.serialized) struct ReloadTests {
    @Test func aReloadAddsAServiceAndKeepsTheQueueAnInvalidFileIsRefused() throws {
        let centre = try TestCentre("reload", printer: "path = \"printer.bin\"\nprofile = \"epson-tm-t82\"")
        defer { centre.stop() }
        try centre.start()
        let pid = try #require(centre.daemon?.processIdentifier)
        try centre.officer("an", signInAt: 1)
        let acknowledged = Mutex<[String]>([])
        let pressing = Mutex(true)
        let pressed = DispatchSemaphore(value: 0)
        let presser = Thread {
            defer { pressed.signal() }
            while pressing.withLock({ $0 }) {
                // While a reload is under way the socket is briefly away: those presses get no answer.
                if let reply = try? centre.request("issue A"), reply.hasPrefix("ok") { acknowledged.withLock { $0.append(reply) } }
                usleep(5_000)
            }
        }
        presser.start()
        try eventually(10, "tickets before the reload") { acknowledged.withLock { $0.count } >= 20 }
        #expect(try centre.request("next 1").hasPrefix("ok"))

        // A broken file: refused with its line, the daemon goes on with the old one.
        try centre.rewrite { $0 + "\n[[services]]\ncode = \"C\"\nname = \"Đất đai\"\nprefix = \"c\"\n" }
        kill(pid, SIGHUP)
        try eventually(10, "the refusal in the log") {
            centre.runLog.contains("configuration not reloaded, still running on the previous one")
        }
        #expect(centre.runLog.contains("centre.toml:"), "the error names the file and line")
        #expect(try centre.request("issue C").contains("no service with code C"))

        // A good file: service C appears; the queue, the officer at counter 1 and numbering go on.
        try centre.rewrite { $0.replacingOccurrences(of: "prefix = \"c\"", with: "prefix = \"C\"") }
        let before = acknowledged.withLock { $0.count }
        kill(pid, SIGHUP)
        try eventually(15, "the reload") { centre.runLog.contains("configuration reloaded") }
        try eventually(10, "the daemon answering again") { (try? centre.request("issue C"))?.hasPrefix("ok") == true }
        try eventually(10, "tickets after the reload") { acknowledged.withLock { $0.count } >= before + 20 }
        pressing.withLock { $0 = false }
        pressed.wait()  // the presser's last request answered: the count below is final

        #expect(centre.daemon?.isRunning == true)
        let queue = try HTTPConnection.get(port: centre.port, path: "/api/queue")
        #expect(queue.contains("\"serving\":\"A001\""), "counter 1 still serves A001 after the reload")
        #expect(queue.contains("\"code\":\"C\""))
        // Every acknowledged ticket is stored once, numbers in order with none given twice.
        let numbers = try sqlite("\(centre.folder)/kiosk.sqlite", "SELECT display FROM ticket WHERE service = 'A' ORDER BY id")
            .split(separator: "\n").map(String.init)
        #expect(numbers.count == acknowledged.withLock { $0.count })
        #expect(numbers == (1...numbers.count).map { String(format: "A%03d", $0) })
        #expect(Set(numbers).count == numbers.count)
    }
}
