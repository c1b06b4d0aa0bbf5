import Foundation
import Logging
import NIOCore
import Synchronization

/// Counts open connections per remote address, so that one machine on the LAN cannot take
/// every connection (and with them the file descriptors the printer needs). The total is
/// capped separately, by the server no longer accepting.
final class AddressLimiter: Sendable {
    let limit: Int
    private let logger: Logger
    private let state = Mutex<(open: [String: Int], lastWarned: [String: Date])>(([:], [:]))

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// True when the address may open one more connection (it is then counted).
    func admit(_ address: String) -> Bool {
        let (admitted, warn) = state.withLock { state -> (Bool, Bool) in
            let open = state.open[address, default: 0]
            if open < limit {
                state.open[address] = open + 1
                return (true, false)
            }
            // Refusals are logged once a minute per address, not once per connection.
            let now = Date()
            if let last = state.lastWarned[address], now.timeIntervalSince(last) < 60 { return (false, false) }
            state.lastWarned[address] = now
            if state.lastWarned.count > 1024 { state.lastWarned = state.lastWarned.filter { now.timeIntervalSince($0.value) < 60 } }
            return (false, true)
        }
        if warn {
            logger.warning(
                "too many connections from one address: new ones closed",
                metadata: ["address": "\(address)", "limit": "\(limit)"])
        }
        return admitted
    }

    func leave(_ address: String) {
        state.withLock { state in
            let open = state.open[address, default: 1] - 1
            state.open[address] = open > 0 ? open : nil
        }
    }
}

/// Closes a new connection at once when its address already has its share open.
final class PerAddressConnectionLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    let limiter: AddressLimiter

    init(_ limiter: AddressLimiter) { self.limiter = limiter }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if limiter.admit(address) {
            let limiter = self.limiter
            context.channel.closeFuture.whenComplete { _ in limiter.leave(address) }
        } else {
            context.close(promise: nil)
        }
    }
}

/// The live display streams open now, capped: each holds a connection and a subscription.
final class DisplayClients: Sendable {
    let limit: Int
    private let count = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// A seat while it is held (its release frees it, whatever ends the stream); nil when full.
    func join() -> Seat? {
        let admitted = count.withLock { n in
            guard n < limit else { return false }
            n += 1
            return true
        }
        return admitted ? Seat(self) : nil
    }

    fileprivate func leave() { count.withLock { $0 -= 1 } }

    final class Seat: Sendable {
        private let clients: DisplayClients
        fileprivate init(_ clients: DisplayClients) { self.clients = clients }
        deinit { clients.leave() }
    }

    var current: Int { count.withLock { $0 } }
}
