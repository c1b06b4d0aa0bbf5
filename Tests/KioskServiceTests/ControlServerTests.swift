import Foundation
import Glibc
import KioskCore
import KioskDevices
import KioskRuntime
import KioskStore
import KioskTestSupport
import Logging
import ServiceLifecycle
import Testing

@testable import KioskService

/// The local control socket serves its clients side by side: one that never finishes its
/// line, or many at once, cannot keep an officer from signing in.
@Suite(.serialized) struct ControlServerTests {
    struct Rig {
        let socket: String
        let engine: QueueEngine
        let log: RecordingLog
        let running: Task<Void, any Error>
    }

    func send(_ request: String, _ rig: Rig) async throws -> String {
        let socket = rig.socket
        return try await offThePool { try ControlClient.send(request, to: socket) }
    }

    func rig(maxClients: Int = 16, requestTimeout: Duration = .milliseconds(400)) async throws -> Rig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-ctl-\(UUID().uuidString)").path
        let database = try KioskDatabase(path: "\(folder)/kiosk.sqlite")
        try database.addOfficer(Officer(id: OfficerID("an"), name: "An", createdAt: Date()))
        let rules = QueueRules(
            services: [ServiceDefinition(code: ServiceCode("A"), name: "Chứng thực", prefix: "A")],
            counters: [CounterDefinition(number: CounterNumber(1), services: [ServiceCode("A")])])
        let engine = try QueueEngine(rules: rules, database: database)
        let log = RecordingLog()
        let socket = "\(folder)/control.sock"
        let readiness = Readiness()
        let server = ControlServer(
            path: socket, router: CommandRouter(engine: engine, issuer: nil), logger: log.logger,
            maxClients: maxClients, requestTimeout: requestTimeout, ready: readiness.part("control socket"))
        let running = Task { try await server.run() }
        #expect(await readiness.waitForAll(limit: .seconds(10)).isEmpty, "the control socket listens")
        return Rig(socket: socket, engine: engine, log: log, running: running)
    }

    @Test func aSilentClientDoesNotHoldUpAnOfficer() async throws {
        let rig = try await rig(requestTimeout: .seconds(4))
        defer { rig.running.cancel() }
        // Connected, sending one byte of a request and then nothing.
        let silent = try UnixSocket.connect(to: rig.socket)
        defer { close(silent) }
        _ = write(silent, "s", 1)
        let started = ContinuousClock.now
        let reply = try await send("sign-in 1 an", rig)
        #expect(reply.hasSuffix("officerSignedIn: an vào quầy 1 (an signed in at counter 1)"), "\(reply)")
        #expect(ContinuousClock.now - started < .seconds(4), "served before the silent client's deadline")
        var pending = pollfd(fd: silent, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pending, 1, 0) == 0, "while the silent client is still connected and waiting")
        // The silent one is told, and let go, at its deadline.
        let told = try await offThePool { UnixSocket.readLine(silent, by: .after(.seconds(8))) }
        #expect(told?.hasPrefix("error no request line") == true)
        #expect(rig.log.lines("control request not received in time").count == 1)
    }

    /// An officer at a terminal reads which number to call and where, not only the event's name.
    @Test func eachCounterCommandSaysTheTicketAndTheCounter() async throws {
        let rig = try await rig()
        defer { rig.running.cancel() }
        #expect(try await send("sign-in 1 an", rig) == "ok dayStarted, officerSignedIn: an vào quầy 1 (an signed in at counter 1)")
        #expect(try await send("issue A", rig).hasSuffix("phiếu A001, 0 người chờ trước (ticket A001, 0 waiting ahead)"))
        _ = try await send("issue A", rig)
        #expect(try await send("next 1", rig) == "ok ticketCalled: gọi A001 tại quầy 1 (calling A001 at counter 1)")
        #expect(try await send("recall 1", rig) == "ok ticketRecalled: gọi lại A001 tại quầy 1 (calling A001 again at counter 1)")
        #expect(try await send("hold 1", rig) == "ok ticketHeld: giữ A001 tại quầy 1 (A001 on hold at counter 1)")
        let next = try await send("next 1", rig)
        #expect(next == "ok ticketCalled: gọi A002 tại quầy 1 (calling A002 at counter 1)", "\(next)")
        #expect(try await send("finish 1", rig) == "ok ticketFinished: xong A002 tại quầy 1 (A002 finished at counter 1)")
    }

    @Test func whoCalledIsLoggedAsTheKernelSaysIt() async throws {
        let rig = try await rig()
        defer { rig.running.cancel() }
        #expect(try await send("sign-in 1 an", rig).hasSuffix("officerSignedIn: an vào quầy 1 (an signed in at counter 1)"))
        let line = try #require(rig.log.lines("control request").first)
        #expect(line.metadata["peer.pid"] == String(getpid()))
        #expect(line.metadata["peer.uid"] == String(getuid()))
        #expect(line.metadata["request"] == "sign-in 1 an")
    }

    @Test func tooManyClientsAtOnceAreToldToTryAgain() async throws {
        let rig = try await rig(maxClients: 2)
        defer { rig.running.cancel() }
        let holders = try (0..<2).map { _ in try UnixSocket.connect(to: rig.socket) }
        defer { holders.forEach { close($0) } }
        // Admitted in order: a third connection after them is the one turned away.
        let reply = try await send("next 1", rig)
        #expect(reply.hasPrefix("error busy"), "\(reply)")
        // Once they time out, requests are served again.
        try await waitUntil("the slots freed", seconds: 5) {
            (try? await send("sign-in 1 an", rig))?.hasSuffix("officerSignedIn: an vào quầy 1 (an signed in at counter 1)") == true
        }
    }
}
