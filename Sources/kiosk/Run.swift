import ArgumentParser
import Foundation
import KioskService
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

extension Logger.Level: @retroactive ExpressibleByArgument {}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: keypads, printer, displays, control socket. SIGHUP re-reads the config (systemctl reload).")

    @OptionGroup var options: ConfigOption

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        JournalLogHandler.bootstrap(level: logLevel)
        let logger = Logger(label: "kiosk")
        // A SIGHUP before the first watcher is up (or between two generations) must not end the daemon.
        signal(SIGHUP, SIG_IGN)
        var config = try loadConfig(options.config)
        raiseOpenFileLimit(logger)
        let lock: InstanceLock
        do {
            lock = try InstanceLock(database: config.databasePath, config: config.file)
        } catch let taken as InstanceLock.Taken {
            FileHandle.standardError.write(Data("error: \(taken)\n".utf8))
            throw ExitCode(1)
        }
        logger.info("kiosk starting", metadata: ["config": "\(config.file)", "database": "\(config.databasePath)"])
        // One generation per config: a reload stops this one gracefully (every command is
        // committed before it is answered, so nothing acknowledged is lost) and starts the
        // next on the new file, from the same database: today's queue is rebuilt as it was.
        while true {
            guard let next = try await runGeneration(config: config, lock: lock, logger: logger) else { break }
            config = next
            logger.notice("configuration reloaded", metadata: ["config": "\(config.file)"])
        }
        logger.info("kiosk stopped")
    }

    /// Runs the daemon on `config` until it stops (nil) or a valid new config is loaded on SIGHUP.
    private func runGeneration(config: KioskConfig, lock: InstanceLock, logger: Logger) async throws -> KioskConfig? {
        let generation = try Wiring.generation(config: config, logger: logger, lock: lock)
        // Tickets reserved but never resolved (the daemon stopped while printing): kept, flagged, logged.
        try await generation.daemon.engine.resolveUnfinishedPrints()
        let systemd = generation.systemd
        let group = ServiceGroup(
            configuration: .init(
                services: generation.services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let reloaded = Mutex<KioskConfig?>(nil)
        let file = options.config
        let watcher = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                logger.notice("reloading the configuration", metadata: ["config": "\(file)"])
                do {
                    let next = try ConfigLoader.load(file: file)
                    guard next.databasePath == config.databasePath else {
                        logger.error(
                            "configuration not reloaded: the database path changed (restart the daemon for that)",
                            metadata: ["config": "\(file)"])
                        continue
                    }
                    reloaded.withLock { $0 = next }
                    systemd.reloading()
                    await group.triggerGracefulShutdown()
                    return
                } catch {
                    // The old configuration stays in force.
                    logger.error("configuration not reloaded, still running on the previous one", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { watcher.cancel() }
        try await group.run()
        return reloaded.withLock { $0 }
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
