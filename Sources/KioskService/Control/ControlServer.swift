import Foundation
import KioskCore
import KioskDevices
import Logging
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves the local control socket: one request line in, one reply line out
/// (`ok ...` or `error ...`). Accepting runs on a thread of its own.
public struct ControlServer: Service {
    let path: String
    let router: CommandRouter
    let logger: Logger

    public init(path: String, router: CommandRouter, logger: Logger) {
        self.path = path
        self.router = router
        self.logger = logger
    }

    public func run() async throws {
        let listener = try UnixSocket.listen(at: path)
        logger.info("control socket ready", metadata: ["device.path": "\(path)"])
        let stopped = Mutex(false)
        let router = self.router
        let logger = self.logger
        let thread = Thread {
            while !stopped.withLock({ $0 }) {
                var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 200) > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                let line = UnixSocket.readLine(client, timeoutMs: 2000) ?? ""
                let reply = Self.answer(line, router: router)
                logger.info("control request", metadata: ["request": "\(line)", "reply": "\(reply)"])
                UnixSocket.writeLine(client, reply)
                close(client)
            }
            close(listener)
        }
        thread.name = "control socket"
        thread.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: .milliseconds(200))
            }
        } onCancelOrGracefulShutdown: {
            stopped.withLock { $0 = true }
        }
        unlink(path)
    }

    /// Runs a request on the engine from the accepting thread, waiting for its reply.
    private static func answer(_ line: String, router: CommandRouter) -> String {
        let command: QueueCommand
        switch ControlRequest.parse(line) {
        case .failure(let message): return "error \(message)"
        case .success(let c): command = c
        }
        let reply = Mutex("error no reply")
        let done = DispatchSemaphore(value: 0)
        Task {
            let text: String
            do {
                let events = try await router.perform(command)
                text = "ok " + (events.isEmpty ? "nothing to do" : events.map(\.name).joined(separator: ", "))
            } catch {
                text = "error \(error)"
            }
            reply.withLock { $0 = text }
            done.signal()
        }
        done.wait()
        return reply.withLock { $0 }
    }
}

/// Sends one request to a running daemon's control socket.
public enum ControlClient {
    public static func send(_ request: String, to path: String) throws(DeviceError) -> String {
        let fd = try UnixSocket.connect(to: path)
        defer { close(fd) }
        UnixSocket.writeLine(fd, request)
        return UnixSocket.readLine(fd, timeoutMs: 10_000) ?? "error no reply from the daemon"
    }
}
