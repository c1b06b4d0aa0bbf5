import Foundation
import KioskCore
import KioskDevices
import KioskRuntime
import Logging
import ServiceLifecycle

/// Reads one keypad and turns its presses into queue commands, as its bindings say.
/// Only presses count: releases and autorepeat are ignored.
public struct KeypadService: Service {
    let settings: KeypadSettings
    let router: CommandRouter
    let health: DeviceHealth
    let logger: Logger
    let ready: ReadySignal

    /// `ready`: fired once the keypad was tried (opened, or found missing and reported).
    public init(settings: KeypadSettings, router: CommandRouter, health: DeviceHealth, logger: Logger, ready: ReadySignal = .unwatched) {
        self.ready = ready
        self.settings = settings
        self.router = router
        self.health = health
        self.logger = logger
    }

    /// The command a key press stands for on this keypad, if the key is bound.
    public static func command(for code: UInt16, on role: KeypadSettings.Role) -> QueueCommand? {
        switch role {
        case .kiosk(let keys):
            keys[code].map { .issueTicket(service: $0.service, priority: $0.priority) }
        case .officer(let counter, let keys):
            keys[code].map { $0.command(at: counter) }
        case .rating(let counter, let keys):
            keys[code].map { .rate(counter: counter, level: $0) }
        case .scanner:
            nil  // characters, read by `BarcodeReader`
        }
    }

    public func run() async throws {
        let device = "keypad \(settings.name)"
        let meta: Logger.Metadata = ["keypad": "\(settings.name)", "device.path": "\(settings.path)"]
        // Everything below runs on the keypad's own reading thread, press after press: a
        // ticket's way to the printer does not wait for Swift's shared threads.
        let filter = FilterBox(PressFilter(settings.filter))
        let scanner = ScannerBox(BarcodeReader(gap: { if case .scanner(_, let gap) = settings.role { gap } else { 0.1 } }()))
        let reading = InputSource(settings.locator, grab: settings.grab).read { [self] update in
            switch update {
            case .opened(let node):
                logger.info("keypad ready", metadata: meta.merging(["device.node": "\(node)"]) { $1 })
                health.set(device, path: settings.path, .ok)
                ready.ready()
            case .unavailable(let error):
                logger.warning("keypad unavailable, retrying", metadata: meta.merging(["error": "\(error)"]) { $1 })
                health.set(device, path: settings.path, .unavailable, detail: error.description)
                ready.ready()
            case .resynchronised:
                logger.warning(
                    "keypad events dropped by the kernel (read too late): resynchronised, presses in the gap not counted",
                    metadata: meta)
            case .event(let event):
                if case .scanner(let counter, _) = settings.role {
                    let time = Double(event.seconds) + Double(event.microseconds) / 1e6
                    guard event.type == 1, let code = scanner.reader.feed(code: event.code, value: event.value, at: time) else { return }
                    scanned(code, at: counter, meta: meta)
                    return
                }
                guard event.isKeyPress else { return }
                let time = Double(event.seconds) + Double(event.microseconds) / 1e6
                switch filter.filter.judge(key: event.code, at: time) {
                case .accepted:
                    press(event.code, at: time, meta: meta)
                case .bounced:
                    router.droppedPresses.count(keypad: settings.name, .bounce)
                    logger.debug("key bounce ignored", metadata: meta.merging(["key": "\(key(event.code))"]) { $1 })
                case .rateLimited:
                    router.droppedPresses.count(keypad: settings.name, .rateLimit)
                    logger.debug("kiosk button pressed too often: no ticket", metadata: meta.merging(["key": "\(key(event.code))"]) { $1 })
                }
            }
        }
        // Until the daemon stops (or this task is cancelled).
        try? await gracefulShutdown()
        reading.stop()
    }

    private func key(_ code: UInt16) -> String { settings.keyNames[code] ?? String(code) }

    /// The press filter's state, used by the reading thread only.
    private final class FilterBox: @unchecked Sendable {
        var filter: PressFilter
        init(_ filter: PressFilter) { self.filter = filter }
    }

    /// A scanner's half-read code, used by the reading thread only.
    private final class ScannerBox: @unchecked Sendable {
        var reader: BarcodeReader
        init(_ reader: BarcodeReader) { self.reader = reader }
    }

    /// A dossier's code read at a counter: linked to the ticket served there.
    private func scanned(_ code: String, at counter: CounterNumber, meta: Logger.Metadata) {
        var meta = meta
        meta["dossier"] = "\(code)"
        if !DossierCode.looksNational(code) {
            logger.warning("scanned code does not look like a dossier code (000.00.12.H56-250701-0001): stored as read", metadata: meta)
        }
        let logger = self.logger
        let read = meta
        router.submit(.linkDossier(counter: counter, code: code), pressedAt: .now) { result in
            if case .failure(let error) = result {
                logger.warning("dossier not linked", metadata: read.merging(["reason": "\(error)"]) { $1 })
            }
        }
    }

    /// The moment of a press by the monotonic clock, from its kernel time (wall clock).
    static func instant(ofPressAt time: TimeInterval) -> ContinuousClock.Instant {
        let age = Date().timeIntervalSince1970 - time
        guard age > 0, age < 3600 else { return .now }
        return .now - .microseconds(Int64(age * 1e6))
    }

    private func press(_ code: UInt16, at time: TimeInterval, meta: Logger.Metadata) {
        var meta = meta
        meta["key"] = "\(settings.keyNames[code] ?? KeyNames.name(of: code) ?? String(code))"
        guard let command = Self.command(for: code, on: settings.role) else {
            logger.debug("unbound key", metadata: meta)
            return
        }
        let logger = self.logger
        let pressed = meta
        router.submit(command, pressedAt: Self.instant(ofPressAt: time)) { result in
            if case .failure(let error) = result {
                logger.notice("key press refused", metadata: pressed.merging(["reason": "\(error)"]) { $1 })
            }
        }
    }
}
