import Foundation
import KioskCore
import KioskDevices
import Logging
import ServiceLifecycle

/// Prints every issued ticket. Writes happen on a queue of their own: a printer that stalls
/// must not stall the event loop or the queue.
public struct PrinterService: Service {
    let engine: QueueEngine
    let printer: any TicketPrinter
    let renderer: TicketRenderer
    let health: DeviceHealth
    let logger: Logger
    private let writes = DispatchQueue(label: "kiosk.printer")

    public init(engine: QueueEngine, printer: any TicketPrinter, renderer: TicketRenderer, health: DeviceHealth, logger: Logger) {
        self.engine = engine
        self.printer = printer
        self.renderer = renderer
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        await health.set("printer", path: printer.path, .unknown)
        let (_, events) = await engine.subscribe()
        // Ends when the engine closes its subscriptions at shutdown, after the last ticket.
        for await event in events {
            guard case .ticketIssued(let ticket, let ahead) = event.kind else { continue }
            let name = engine.rules.service(ticket.service)?.name ?? ticket.service.rawValue
            await print(renderer.render(ticket, serviceName: name, waitingAhead: ahead), number: ticket.display)
        }
        try? await gracefulShutdown()
    }

    private func print(_ bytes: [UInt8], number: String) async {
        let printer = self.printer
        let result: Result<Void, DeviceError> = await withCheckedContinuation { done in
            writes.async { done.resume(returning: Result { () throws(DeviceError) in try printer.send(bytes) }) }
        }
        switch result {
        case .success:
            logger.info("ticket printed", metadata: ["ticket.number": "\(number)", "device.path": "\(printer.path)", "bytes": "\(bytes.count)"])
            await health.set("printer", path: printer.path, .ok)
        case .failure(let error):
            // Refusing or flagging unprinted tickets comes with the printing work; for now it is loud.
            logger.error("ticket not printed", metadata: ["ticket.number": "\(number)", "device.path": "\(printer.path)", "error": "\(error)"])
            await health.set("printer", path: printer.path, .unavailable, detail: error.description)
        }
    }
}
