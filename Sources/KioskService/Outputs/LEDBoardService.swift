import Foundation
import KioskCore
import KioskDevices
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
    let logger: Logger
    public let buses: [String: LEDBus]

    public init(engine: QueueEngine, boards: [BoardSettings], logger: Logger) {
        self.engine = engine
        self.boards = boards
        self.logger = logger
        var buses: [String: LEDBus] = [:]
        for board in boards where buses[board.port] == nil {
            buses[board.port] = LEDBus(path: board.port, baud: board.baud, gap: .milliseconds(board.format.gapMilliseconds),
                                       refresh: .seconds(board.refreshSeconds))
        }
        self.buses = buses
    }

    public func run() async throws {
        let (state, events) = await engine.subscribe()
        // After a restart the boards are blank: show what each counter is serving.
        for board in boards { await show(state.counterShowing(board.counter) ?? "", on: board) }
        await withTaskGroup(of: Void.self) { group in
            for bus in buses.values { group.addTask { await bus.run() } }
            for await event in events {
                switch event.kind {
                case .ticketCalled(_, let number, let counter, _), .ticketRecalled(_, let number, let counter, _),
                     .ticketReturned(_, let number, let counter):
                    for board in boards where board.counter == counter { await show(number, on: board) }
                case .dayStarted:
                    for board in boards { await show("", on: board) }
                default:
                    break
                }
            }
            group.cancelAll()
        }
        try? await gracefulShutdown()
    }

    private func show(_ number: String, on board: BoardSettings) async {
        let frame = board.format.frame(address: board.address, number: number, counter: board.counter.rawValue)
        await buses[board.port]?.show(frame, on: board.address)
    }
}

extension QueueState {
    /// The number a counter's board shows: the last one called there today.
    func counterShowing(_ counter: CounterNumber) -> String? {
        recentCalls.first { $0.counter == counter }?.display ?? currentTicket(at: counter)?.display
    }
}
