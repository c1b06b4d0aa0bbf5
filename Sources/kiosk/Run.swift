import ArgumentParser
import Foundation
import KioskService
import KioskWeb
import Logging
import ServiceLifecycle

extension Logger.Level: @retroactive ExpressibleByArgument {}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon: keypads, printer, displays, control socket.")

    @OptionGroup var options: ConfigOption

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kiosk")
        let config = try loadConfig(options.config)
        raiseOpenFileLimit(logger)
        let daemon: KioskDaemon
        do {
            daemon = try KioskDaemon(config: config, logger: logger)
        } catch let taken as InstanceLock.Taken {
            FileHandle.standardError.write(Data("error: \(taken)\n".utf8))
            throw ExitCode(1)
        }
        // Tickets reserved but never resolved (the daemon stopped while printing): kept, flagged, logged.
        try await daemon.engine.resolveUnfinishedPrints()
        // The devices READY waits for: the database, each keypad, the printer, each LED bus.
        let devices = 1 + config.keypads.count + (config.printer == nil ? 0 : 1) + Set(config.boards.map(\.port)).count
        let systemd = SystemdService(engine: daemon.engine, health: daemon.health, devices: devices, logger: logger)
        let url = "http://\(config.http.host):\(config.http.port)/display"
        let web = WebServer.application(daemon: daemon, logger: logger) { port in
            logger.info("hall display ready", metadata: ["url": "\(url)"])
            systemd.webIsUp()
        }
        let group = ServiceGroup(
            configuration: .init(services: daemon.services.map { .init(service: $0) }
                                     + [.init(service: web), .init(service: ShutdownCoordinator(engine: daemon.engine)), .init(service: systemd)],
                                 gracefulShutdownSignals: [.sigterm, .sigint],
                                 logger: logger))
        logger.info("kiosk starting", metadata: ["config": "\(config.file)", "database": "\(config.databasePath)"])
        try await group.run()
        logger.info("kiosk stopped")
    }
}

/// Loads the config or exits with its error (file:line: key: message) and status 2.
func loadConfig(_ file: String) throws -> KioskConfig {
    do {
        return try ConfigLoader.load(file: file)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// Connections are capped, but the cap plus the devices must fit the process's open-file
/// limit: take the hard limit (the soft default, 1024, is the shell's, not the kernel's).
func raiseOpenFileLimit(_ logger: Logger) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = min(limit.rlim_max, 65_536)
    if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
        logger.warning("cannot raise the open-file limit", metadata: ["limit": "\(limit.rlim_cur)"])
    }
}
