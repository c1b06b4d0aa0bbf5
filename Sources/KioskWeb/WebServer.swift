import Foundation
import Hummingbird
import KioskCore
import KioskService
import Logging

/// The HTTP side: the hall display page, the read-only queue JSON, the live push stream and
/// the health report. Nothing here changes the queue.
public enum WebServer {
    public static func application(daemon: KioskDaemon, logger: Logger,
                                   onReady: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        let engine = daemon.engine
        let centre = daemon.config.centreName
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]

        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/display"]) }
        router.get("/display") { _, _ in
            html(DisplayPage.html(initialState: String(decoding: try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre)), as: UTF8.self)))
        }
        router.get("/api/queue") { _, _ in
            json(try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre)))
        }
        router.get("/api/display/events") { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                     body: ResponseBody { writer in
                         try await DisplayStream.run(engine: engine, centre: centre, encoder: encoder, writer: &writer)
                     })
        }
        router.get("/display/counter/{number}") { _, context in
            let number = try context.parameters.require("number", as: Int.self)
            guard daemon.config.rules.counter(CounterNumber(number)) != nil else {
                return problem(.notFound, "không có quầy số \(number) (no counter \(number))")
            }
            let state = String(decoding: try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre)), as: UTF8.self)
            return html(CounterPage.html(counter: number, initialState: state, thanks: daemon.config.thanks.message,
                                         thanksSeconds: daemon.config.thanks.seconds))
        }
        router.get("/kiosk") { _, _ in html(KioskPage.html) }
        router.get("/api/kiosk/services") { _, _ in
            let printer = await daemon.health.all.first { $0.device == "printer" }
            let services = daemon.config.rules.services.map { KioskService(code: $0.code.rawValue, name: $0.name) }
            return json(try encoder.encode(KioskServices(services: services, printerReady: printer?.state != .unavailable,
                                                         printerProblem: printer?.state == .unavailable ? printer?.detail : nil)))
        }
        // The citizens' touch kiosk: it can take a ticket, and nothing else.
        router.post("/api/kiosk/tickets") { request, context in
            let wanted: TicketRequest
            do { wanted = try await request.decode(as: TicketRequest.self, context: context) } catch {
                return problem(.badRequest, "expected {\"service\": \"A\", \"priority\": false}")
            }
            let code = ServiceCode(wanted.service)
            guard let service = daemon.config.rules.service(code) else {
                return problem(.badRequest, "no service with code \(wanted.service)")
            }
            do {
                let events = try await daemon.router.perform(.issueTicket(service: code, priority: wanted.priority ?? false))
                guard case .ticketIssued(let ticket, let ahead)? = events.first(where: { $0.name == "ticketIssued" })?.kind else {
                    return problem(.internalServerError, "no ticket was issued")
                }
                let unprinted = events.contains { $0.name == "ticketPrintFailed" }
                return json(try encoder.encode(IssuedTicket(number: ticket.display, service: service.name, waitingAhead: ahead,
                                                            printed: !unprinted)), status: .created)
            } catch let CommandError.notPrinted(reason) {
                return problem(.serviceUnavailable, "Máy in chưa in được phiếu: \(reason). Vui lòng báo cán bộ.")
            } catch {
                return problem(.conflict, "\(error)")
            }
        }
        router.get("/health") { _, _ in
            let devices = await daemon.health.all
            let report = HealthReport(status: devices.allSatisfy { $0.state != .unavailable } ? "ok" : "degraded", devices: devices)
            return json(try encoder.encode(report))
        }

        return Application(
            router: router,
            configuration: .init(address: .hostname(daemon.config.http.host, port: daemon.config.http.port),
                                 serverName: "kiosk"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    struct TicketRequest: Decodable {
        var service: String
        var priority: Bool?
    }

    struct IssuedTicket: Encodable {
        var number: String
        var service: String
        var waitingAhead: Int
        var printed: Bool
    }

    struct KioskService: Encodable {
        var code: String
        var name: String
    }

    struct KioskServices: Encodable {
        var services: [KioskService]
        var printerReady: Bool
        var printerProblem: String?
    }

    static func problem(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        let body = (try? JSONEncoder().encode(["error": reason])) ?? Data()
        return json(body, status: status)
    }

    struct HealthReport: Encodable {
        var status: String
        var devices: [DeviceHealth.Entry]
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Server-Sent Events for the displays: the full state on connect (so a reconnect after a
/// restart resynchronises), then a `call` event for each call and the new state after every change.
enum DisplayStream {
    static func run(engine: QueueEngine, centre: String, encoder: JSONEncoder, writer: inout any ResponseBodyWriter) async throws {
        let (state, events) = await engine.subscribe()
        try await writer.write(message("state", try encoder.encode(DisplaySnapshot(state, centreName: centre))))
        // Browsers reconnect after 2 s when the daemon goes away.
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        for await event in events {
            switch event.kind {
            case .ticketCalled(_, let number, let counter, _), .ticketRecalled(_, let number, let counter, _),
                 .ticketReturned(_, let number, let counter):
                let call = CallMessage(number: number, counter: counter.rawValue,
                                       recall: { if case .ticketRecalled = event.kind { true } else { false } }())
                try await writer.write(message("call", try encoder.encode(call)))
            case .ratingRecorded(let rating):
                // Which counter was thanked, never which button: officers see aggregates only.
                try await writer.write(message("thanks", try encoder.encode(["counter": rating.counter.rawValue])))
            default:
                break
            }
            try await writer.write(message("state", try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre))))
        }
        try await writer.finish(nil)
    }

    struct CallMessage: Encodable {
        var number: String
        var counter: Int
        var recall: Bool
    }

    static func message(_ name: String, _ data: Data) -> ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
    }
}
