import Foundation
import KioskCore
import KioskRuntime
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Serves the local control socket: one request line in, one reply line out
/// (`ok ...` or `error ...`). Clients are served side by side, each with a deadline to send
/// its line and one for the reply, so a slow or stuck client (or a command waiting for a
/// stuck printer) never holds up another officer's sign-in. Who called (process, user) is
/// logged with each request, as the kernel reports it.
public struct ControlServer: Service {
    let path: String
    let router: CommandRouter
    let logger: Logger
    /// Clients served at once; more are told to try again.
    let maxClients: Int
    /// For the client to send its request line.
    let requestTimeout: Duration
    /// For the command's reply; past it the client hears so (the command may still complete).
    let replyTimeout: Duration
    let ready: ReadySignal

    public init(
        path: String, router: CommandRouter, logger: Logger, maxClients: Int = 16,
        requestTimeout: Duration = .seconds(2), replyTimeout: Duration = .seconds(10), ready: ReadySignal = .unwatched
    ) {
        self.ready = ready
        self.path = path
        self.router = router
        self.logger = logger
        self.maxClients = maxClients
        self.requestTimeout = requestTimeout
        self.replyTimeout = replyTimeout
    }

    public func run() async throws {
        let listener = try UnixSocket.listen(at: path)
        logger.info("control socket ready", metadata: ["device.path": "\(path)"])
        ready.ready()
        let stop = StopSignal()
        let active = Mutex(0)
        let server = self
        let thread = Thread {
            while !stop.isRaised {
                // No timeout: an idle daemon sleeps here until a client or the stop signal comes.
                var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), stop.pollEntry]
                guard poll(&fds, 2, -1) > 0, fds[0].revents & Int16(POLLIN) != 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)  // not for the voice's player processes
                let admitted = active.withLock { count in
                    if count >= server.maxClients { return false }
                    count += 1
                    return true
                }
                guard admitted else {
                    server.logger.warning("control socket busy: client turned away", metadata: server.who(client))
                    UnixSocket.writeLine(client, "error busy: \(server.maxClients) requests are being served, try again")
                    close(client)
                    continue
                }
                // A thread of its own (at most `maxClients`): a client waits on its socket and on
                // the engine, and Dispatch's few shared threads must not be the ones waiting.
                Thread {
                    server.serve(client)
                    close(client)
                    active.withLock { $0 -= 1 }
                }.start()
            }
            close(listener)
        }
        thread.name = "control socket"
        thread.start()
        // Until the daemon stops (or this task is cancelled, which ends the wait too).
        try? await gracefulShutdown()
        stop.raise()
        unlink(path)
    }

    /// The caller, as log metadata.
    private func who(_ client: Int32) -> Logger.Metadata {
        guard let peer = UnixSocket.peer(client) else { return ["peer": "unknown"] }
        return ["peer.pid": "\(peer.pid)", "peer.uid": "\(peer.uid)", "peer.gid": "\(peer.gid)"]
    }

    /// One client: its line, the command, the reply.
    private func serve(_ client: Int32) {
        var meta = who(client)
        guard let line = UnixSocket.readLine(client, by: .after(requestTimeout)) else {
            logger.notice("control request not received in time", metadata: meta)
            UnixSocket.writeLine(client, "error no request line within \(requestTimeout)")
            return
        }
        let reply = answer(line)
        meta["request"] = "\(line)"
        meta["reply"] = "\(reply)"
        logger.info("control request", metadata: meta)
        UnixSocket.writeLine(client, reply)
    }

    /// Runs a request on the engine from this client's thread, waiting for its reply.
    private func answer(_ line: String) -> String {
        let command: QueueCommand
        switch ControlRequest.parse(line) {
        case .failure(let message): return "error \(message)"
        case .success(let c): command = c
        }
        let reply = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let router = self.router
        Task {
            let text: String
            do {
                let events = try await router.perform(command)
                let tickets = await router.engine.snapshot.tickets
                text = ControlReply.text(events) { tickets[$0]?.display }
            } catch {
                text = "error \(error)"
            }
            reply.withLock { $0 = text }
            done.signal()
        }
        let seconds = Double(replyTimeout.components.seconds) + Double(replyTimeout.components.attoseconds) / 1e18
        if done.wait(timeout: .now() + seconds) == .timedOut {
            return "error no reply within \(replyTimeout); the command may still be carried out"
        }
        return reply.withLock { $0 } ?? "error no reply"
    }
}

/// Sends one request to a running daemon's control socket.
public enum ControlClient {
    public static func send(_ request: String, to path: String, timeout: Duration = .seconds(15)) throws(DeviceError) -> String {
        let fd = try UnixSocket.connect(to: path)
        defer { close(fd) }
        let deadline = Deadline.after(timeout)
        UnixSocket.writeLine(fd, request.replacingOccurrences(of: "\n", with: " "), by: deadline)
        return UnixSocket.readLine(fd, by: deadline) ?? "error no reply from the daemon"
    }
}
