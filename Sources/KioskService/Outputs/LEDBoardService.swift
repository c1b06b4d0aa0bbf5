import Foundation
import KioskCore
import KioskDevices
import KioskRuntime
import Logging
import ServiceLifecycle

/// A counter's LED board, from `[[boards]]`.
public struct BoardSettings: Sendable, Equatable {
    public var counter: CounterNumber
    public var port: String
    public var address: Int
    public var baud: Int
    public var format: LEDFrameFormat
    public var refreshSeconds: Int
}

/// Shows on each counter's board the number that counter called last. Boards on one port
/// share one paced bus. The boards follow the same committed events as the displays and the
/// voice, so they cannot disagree.
public struct LEDBoardService: Service {
    let engine: QueueEngine
    let boards: [BoardSettings]
    let thanks: ThanksSettings
    let logger: Logger
    public let buses: [String: LEDBus]
    private let showing = BoardTexts()
    /// How long a thanks stays: the system's clock, or a test's.
    let clock: any Clock<Duration>

    /// `ready`: the signal of each port (READY=1 waits until every port was tried once).
    public init(
        engine: QueueEngine, boards: [BoardSettings], thanks: ThanksSettings = ThanksSettings(),
        health: DeviceHealth = DeviceHealth(), logger: Logger, ready: (_ port: String) -> ReadySignal = { _ in .unwatched },
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.clock = clock
        self.engine = engine
        self.boards = boards
        self.thanks = thanks
        self.logger = logger
        var buses: [String: LEDBus] = [:]
        for board in boards where buses[board.port] == nil {
            let port = board.port
            let tried = ready(port)
            // A board that vanishes is reported; the bus keeps trying, and the refresh repaints it when it is back.
            buses[port] = LEDBus(
                path: port, baud: board.baud, gap: .milliseconds(board.format.gapMilliseconds),
                refresh: .seconds(board.refreshSeconds)
            ) { error in
                if let error {
                    logger.error("LED board port failing", metadata: ["device.path": "\(port)", "error": "\(error)"])
                } else {
                    logger.info("LED board port working", metadata: ["device.path": "\(port)"])
                }
                health.set("LED bus \(port)", path: port, error == nil ? .ok : .unavailable, detail: error?.description)
                tried.ready()
            }
        }
        self.buses = buses
    }

    public func run() async throws {
        let (state, events) = await engine.subscribe()
        // After a restart the boards are blank: show what each counter is serving.
        for board in boards { await show(state.counterShowing(board.counter) ?? "", at: board.counter) }
        await withTaskGroup(of: Void.self) { group in
            for bus in buses.values { group.addTask { await bus.run() } }
            for await event in events {
                switch event.kind {
                case .ticketCalled(_, let number, let counter, _), .ticketRecalled(_, let number, let counter, _),
                    .ticketReturned(_, let number, let counter):
                    await show(number, at: counter)
                case .dayStarted:
                    for board in boards { await show("", at: board.counter) }
                case .ratingRecorded(let rating):
                    // Thanks, or the reason's question while it is open.
                    if engine.rules.asksReason(rating), let reasons = engine.rules.ratingReasons {
                        await flash(thanks.reasonBoard, at: rating.counter, for: reasons.seconds, in: &group)
                    } else {
                        await flash(thanks.board, at: rating.counter, for: TimeInterval(thanks.seconds), in: &group)
                    }
                case .ratingReasonGiven(let counter, _, _, _):
                    await flash(thanks.board, at: counter, for: TimeInterval(thanks.seconds), in: &group)
                default:
                    break
                }
            }
            group.cancelAll()
        }
        try? await gracefulShutdown()
    }

    /// `text` for `seconds`, then the counter's number again, unless a new call came meanwhile.
    private func flash(_ text: String, at counter: CounterNumber, for seconds: TimeInterval, in group: inout TaskGroup<Void>) async {
        let turn = await showing.thank(counter)
        await write(text, at: counter)
        group.addTask { [self] in
            try? await clock.sleep(for: .seconds(seconds))
            if let number = await showing.afterThanks(counter, turn: turn) { await write(number, at: counter) }
            await showing.thanksEnded()
        }
    }

    /// Thanks whose time has not ended yet, or whose end is still being shown.
    var thanksShowing: Int { get async { await showing.thanksOpen } }

    /// The counter's number from now on.
    private func show(_ number: String, at counter: CounterNumber) async {
        await showing.set(number, at: counter)
        await write(number, at: counter)
    }

    private func write(_ text: String, at counter: CounterNumber) async {
        for board in boards where board.counter == counter {
            let frame = board.format.frame(address: board.address, number: text, counter: counter.rawValue, text: text)
            await buses[board.port]?.show(frame, on: board.address)
        }
    }
}

/// Each counter's number, and which thanks is the latest, so an old thanks never covers a new call.
actor BoardTexts {
    private var numbers: [CounterNumber: String] = [:]
    private var turns: [CounterNumber: Int] = [:]

    func set(_ number: String, at counter: CounterNumber) {
        numbers[counter] = number
        turns[counter, default: 0] += 1
    }

    /// Thanks flashed whose timers have not finished.
    private(set) var thanksOpen = 0

    func thank(_ counter: CounterNumber) -> Int {
        turns[counter, default: 0] += 1
        thanksOpen += 1
        return turns[counter]!
    }

    func thanksEnded() { thanksOpen -= 1 }

    /// The number to show again, if nothing happened at the counter since that thanks.
    func afterThanks(_ counter: CounterNumber, turn: Int) -> String? {
        turns[counter] == turn ? (numbers[counter] ?? "") : nil
    }
}

extension QueueState {
    /// The number a counter's board shows: the last one called there today.
    func counterShowing(_ counter: CounterNumber) -> String? {
        recentCalls.first { $0.counter == counter }?.display ?? currentTicket(at: counter)?.display
    }
}
