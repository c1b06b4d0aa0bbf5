import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KioskCore
import KioskPages
import KioskRuntime
import KioskService
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The HTTP side: the hall display page, the read-only queue JSON, the live push stream and
/// the health report; the only thing that changes the queue is the touch kiosk's ticket,
/// which is defended: JSON only, same origin only, rate limited like a kiosk button.
/// Connections are capped in all and per address, idle ones closed, display streams capped.
public enum WebServer {
    /// The web server: one listener on `[http] bind`, and with `tls_certificate` a second one,
    /// HTTPS, on `tls_bind`, serving the same pages (the staff's only there). `readiness`
    /// gets one part per listener, ready once it listens.
    public static func applications(daemon: KioskDaemon, metrics: KioskMetrics, logger: Logger, readiness: Readiness) throws
        -> [any Service]
    {
        let http = daemon.config.http
        let limiter = AddressLimiter(limit: http.maxConnectionsPerAddress, logger: logger)
        let routes = router(daemon: daemon, metrics: metrics, logger: logger)
        let plainReady = readiness.part("web server")
        let plain = HTTP1Channel.Configuration(
            additionalChannelHandlers: [PerAddressConnectionLimit(limiter)],
            idleTimeout: .seconds(Int64(http.idleSeconds)))
        var services: [any Service] = [
            QuietApplication(
                router: routes, server: .http1(configuration: plain),
                address: .hostname(http.host, port: http.port), serverName: "kiosk",
                availableConnectionsDelegate: MaximumAvailableConnections(http.maxConnections, logger: logger),
                onServerRunning: { channel in
                    logger.info(
                        "hall display ready", metadata: ["url": "http://\(http.host):\(channel.localAddress?.port ?? http.port)/display"])
                    plainReady.ready()
                },
                logger: logger)
        ]
        if let tls = http.tls {
            let configuration: TLSConfiguration
            do {
                configuration = try HTTPS.serverConfiguration(certificate: tls.certificate, key: tls.key)
            } catch {
                throw TLSFilesError(
                    description: "[http] tls_certificate \(tls.certificate) and tls_key \(tls.key) cannot be used: \(error)")
            }
            let tlsReady = readiness.part("web server (HTTPS)")
            services.append(
                QuietApplication(
                    router: routes, server: try .tls(.http1(configuration: plain), tlsConfiguration: configuration),
                    address: .hostname(tls.host, port: tls.port), serverName: "kiosk",
                    availableConnectionsDelegate: MaximumAvailableConnections(http.maxConnections, logger: logger), secure: true,
                    onServerRunning: { channel in
                        logger.info(
                            "staff pages ready over HTTPS",
                            metadata: ["url": "https://\(tls.host):\(channel.localAddress?.port ?? tls.port)/login"])
                        tlsReady.ready()
                    },
                    logger: logger))
        }
        return services
    }

    struct TLSFilesError: Error, CustomStringConvertible { let description: String }

    /// Every route of the daemon: the hall's anonymous pages and the staff's.
    public static func router(daemon: KioskDaemon, metrics: KioskMetrics, logger: Logger) -> Router<KioskRequestContext> {
        let router = Router(context: KioskRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        if let tls = daemon.config.http.tls { router.add(middleware: StaffOverTLS(tlsPort: tls.port)) }
        let engine = daemon.engine
        let http = daemon.config.http
        let displays = DisplayClients(limit: http.maxDisplayClients)
        let ticketLimit = Mutex(
            PerAddress(forget: TimeInterval(http.ticketWindowSeconds)) {
                TicketRateLimit(
                    perService: http.ticketsPerService, overall: http.ticketsOverall, window: TimeInterval(http.ticketWindowSeconds))
            })
        let centre = daemon.config.centreName
        let officers = OfficerCards(database: daemon.database, photos: daemon.config.officerPhotos)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]

        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/display"]) }
        router.get("/display") { _, _ in
            html(
                DisplayPage.html(
                    initialState: String(
                        decoding: try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre, officers: officers)),
                        as: UTF8.self)))
        }
        router.get("/api/queue") { _, _ in
            json(try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre, officers: officers)))
        }
        router.get("/api/display/events") { _, _ in
            guard let seat = displays.join() else {
                logger.warning("display stream refused: too many open", metadata: ["limit": "\(http.maxDisplayClients)"])
                return problem(.serviceUnavailable, "quá nhiều màn hình đang kết nối (more than \(http.maxDisplayClients) display streams)")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    defer { withExtendedLifetime(seat) {} }
                    try await DisplayStream.run(engine: engine, centre: centre, officers: officers, encoder: encoder, writer: &writer)
                })
        }
        router.get("/display/counter/{number}") { _, context in
            let number = try context.parameters.require("number", as: Int.self)
            guard daemon.config.rules.counter(CounterNumber(number)) != nil else {
                return problem(.notFound, "không có quầy số \(number) (no counter \(number))")
            }
            let state = String(
                decoding: try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre, officers: officers)), as: UTF8.self)
            return html(
                CounterPage.html(
                    counter: number, initialState: state, thanks: daemon.config.thanks,
                    reasons: daemon.config.rules.ratingReasons))
        }
        // The photo of the officer at the counter now: by counter, so the public screens never
        // carry account names in their URLs.
        router.get("/display/counter/{number}/photo") { _, context in
            let number = try context.parameters.require("number", as: Int.self)
            guard let officer = await engine.snapshot.counters[CounterNumber(number)]?.officer,
                let file = officers.card(officer)?.photo,
                let data = FileManager.default.contents(atPath: file)
            else {
                return problem(.notFound, "quầy số \(number) không có ảnh cán bộ (no officer photo at counter \(number))")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: file.hasSuffix(".png") ? "image/png" : "image/jpeg",
                    .cacheControl: "max-age=3600",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/kiosk") { _, _ in html(KioskPage.html) }
        router.get("/api/kiosk/services") { _, _ in
            let printer = daemon.health.entry("printer")
            let services = daemon.config.rules.services.map { ServiceButton(code: $0.code.rawValue, name: $0.name) }
            return json(
                try encoder.encode(
                    TouchKioskServices(
                        services: services, printerReady: printer?.state != .unavailable,
                        printerProblem: printer?.state == .unavailable ? printer?.detail : nil)))
        }
        // The citizens' touch kiosk: it can take a ticket, and nothing else.
        router.post("/api/kiosk/tickets") { request, context in
            if let refusal = crossSiteRefusal(request) { return refusal }
            guard isJSON(request.headers[.contentType]) else {
                return problem(.unsupportedMediaType, "Content-Type must be application/json")
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: TicketRequest.maxBytes) } catch {
                return problem(.contentTooLarge, TicketRequestError.tooLarge.description)
            }
            let wanted: TicketRequest
            switch TicketRequest.parse(Array(buffer: body)) {
            case .success(let parsed): wanted = parsed
            case .failure(let error): return problem(.badRequest, error.description)
            }
            let code = ServiceCode(wanted.service)
            guard let service = daemon.config.rules.service(code) else {
                return problem(.badRequest, "no service with code \(wanted.service)")
            }
            let now = Date().timeIntervalSince1970
            if let wait = ticketLimit.withLock({ $0.with(context.address, at: now) { $0.take(service: code.rawValue, at: now) } }) {
                logger.notice("touch kiosk ticket refused: too many", metadata: ["service": "\(code)", "address": "\(context.address)"])
                daemon.router.refusals.count("rateLimit")
                var response = problem(
                    .tooManyRequests,
                    "Đã lấy quá nhiều phiếu. Vui lòng chờ \(wait) giây rồi thử lại. (Too many tickets: try again in \(wait) s.)")
                response.headers[.retryAfter] = String(wait)
                return response
            }
            let events: [QueueEvent]
            do throws(CommandError) {
                events = try await daemon.router.perform(.issueTicket(service: code, priority: wanted.priority ?? false))
            } catch {
                return problem(for: error)
            }
            var issued: (ticket: Ticket, ahead: Int)?
            var printed = true
            for event in events {
                switch event.kind {
                case .ticketIssued(let ticket, let ahead): issued = (ticket, ahead)
                case .ticketPrintFailed: printed = false
                default: break
                }
            }
            guard let issued else { return problem(.internalServerError, "no ticket was issued") }
            return json(
                try encoder.encode(
                    IssuedTicket(
                        number: issued.ticket.display, service: service.name,
                        waitingAhead: issued.ahead,
                        estimatedWait: issued.ticket.estimatedWait.map(WaitEstimate.vietnamese),
                        printed: printed)), status: .created)
        }
        // The staff pages: login, the officer's counter, reports and exports, the audit log.
        LoginPage.register(on: router, accounts: daemon.accounts)
        OfficerPage.register(on: router, daemon: daemon, accounts: daemon.accounts, encoder: encoder, metrics: metrics)
        ReportsPage.register(on: router, daemon: daemon, accounts: daemon.accounts, logger: logger)
        AuditPage.register(on: router, daemon: daemon, accounts: daemon.accounts)
        AdminPages.register(on: router, daemon: daemon, accounts: daemon.accounts)
        DashboardPage.register(on: router, daemon: daemon, accounts: daemon.accounts, metrics: metrics)

        // For the operators' Prometheus: from the configured addresses, or with an admin's session.
        router.get("/metrics") { request, context in
            if !http.metricsAddresses.contains(context.address) {
                switch await StaffAuth.require(.manageDevices, request, accounts: daemon.accounts, kind: .api) {
                case .failure(let refusal):
                    return refusal.response.status == .unauthorized
                        ? problem(
                            .forbidden, "/metrics is read from \(http.metricsAddresses.joined(separator: ", ")) or with an admin's login")
                        : refusal.response
                case .success: break
                }
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: await metrics.scrape(displayStreams: displays.current))))
        }

        router.get("/health") { _, _ in
            let devices = daemon.health.all
            let state = await engine.snapshot
            // Today's tickets whose paper is in doubt: staff reprint or void them.
            let doubtful = state.tickets.values.filter { $0.print.needsStaff && $0.status.isOpen }
                .sorted { $0.id < $1.id }.map { PrintDoubt(number: $0.display, print: $0.print.rawValue) }
            let exhausted = state.exhaustedServices.map(rangeUsedUp)
            let space = daemon.space.check()
            let healthy =
                devices.allSatisfy { $0.state != .unavailable } && doubtful.isEmpty && exhausted.isEmpty && (space?.level ?? 0) < 95
            let report = HealthReport(
                status: healthy ? "ok" : "degraded", devices: devices, ticketsToReprintOrVoid: doubtful,
                numbering: exhausted, clock: ClockReport(daemon.clockSteps, timeZone: daemon.config.timeZone),
                databaseSpace: space,
                displayStreams: displays.current, province: daemon.province.current)
            return json(try encoder.encode(report))
        }
        return router
    }

    /// A service whose every number is held by a citizen in the queue, as `/health` and the
    /// devices page say it.
    static func rangeUsedUp(_ service: ServiceDefinition) -> String {
        "Dãy số của dịch vụ \(service.code) (\(service.display(number: service.firstNumber))–\(service.display(number: service.lastNumber))) "
            + "đã hết: mọi số đều đang có người giữ; hãy tăng last_number trong cấu hình "
            + "(every number of service \(service.code) is held: raise last_number)"
    }

    /// Every request that changes something must say it comes from the daemon's own pages:
    /// browsers send `Origin` with every POST (and `Sec-Fetch-Site`), so a page from anywhere
    /// else on the LAN, or the internet, cannot act through a citizen's or an officer's
    /// browser, and a request that says neither is refused too.
    public static func crossSiteRefusal(_ request: Request) -> Response? { Responses.crossSiteRefusal(request) }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased()
        return media == "application/json"
    }

    struct IssuedTicket: Encodable {
        var number: String
        var service: String
        var waitingAhead: Int
        /// "khoảng 15 phút"; absent when the queue cannot say yet.
        var estimatedWait: String?
        var printed: Bool
    }

    /// A service as the touch kiosk's page shows its button.
    struct ServiceButton: Encodable {
        var code: String
        var name: String
    }

    /// What the touch kiosk's page reads: its buttons, and whether the printer can print.
    struct TouchKioskServices: Encodable {
        var services: [ServiceButton]
        var printerReady: Bool
        var printerProblem: String?
    }

    static func problem(_ status: HTTPResponse.Status, _ reason: String) -> Response { Responses.problem(status, reason) }

    struct HealthReport: Encodable {
        var status: String
        var devices: [DeviceHealth.Entry]
        var ticketsToReprintOrVoid: [PrintDoubt]
        /// Services whose range is too small: every number is held by a citizen in the queue.
        var numbering: [String]
        /// The wall clock's steps (absent while there were none).
        var clock: ClockReport?
        /// How full the database is against `max_size_mb` (absent without one).
        var databaseSpace: DatabaseSpace.Reading?
        var displayStreams: Int
        /// The sync to the province's server (absent without `[province]`). It does not make
        /// the hall degraded: the hall works offline, and the events wait.
        var province: ProvinceLink.Status?
    }

    struct ClockReport: Encodable {
        var steps: Int
        var lastStepSeconds: Double
        var lastStepAt: String
        var detail: String

        init?(_ steps: ClockSteps, timeZone: TimeZone) {
            guard let last = steps.last, let detail = steps.describe(in: timeZone) else { return nil }
            self.steps = steps.count
            lastStepSeconds = last.seconds.rounded()
            lastStepAt = DateText.iso8601(last.at)
            self.detail = detail
        }
    }

    struct PrintDoubt: Encodable {
        var number: String
        /// `failed` or `unknown`.
        var print: String
    }

    static func html(_ text: String) -> Response { Responses.html(text) }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response { Responses.json(data, status: status) }
}

/// Server-Sent Events for the displays: the full state on connect (so a reconnect after a
/// restart resynchronises), then a `call` event for each call and the new state after every change.
enum DisplayStream {
    static func run(
        engine: QueueEngine, centre: String, officers: OfficerCards, encoder: JSONEncoder,
        writer: inout any ResponseBodyWriter
    ) async throws {
        // A display that stops reading loses old events, not memory: each `state` message is whole.
        let (state, events) = await engine.subscribe(buffer: 64)
        try await writer.write(message("state", try encoder.encode(DisplaySnapshot(state, centreName: centre, officers: officers))))
        // Browsers reconnect after 2 s when the daemon goes away.
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        for await event in events {
            switch event.kind {
            case .ticketCalled(_, let number, let counter, _), .ticketRecalled(_, let number, let counter, _),
                .ticketReturned(_, let number, let counter):
                let call = CallMessage(
                    number: number, counter: counter.rawValue,
                    recall: { if case .ticketRecalled = event.kind { true } else { false } }())
                try await writer.write(message("call", try encoder.encode(call)))
            case .ratingRecorded(let rating):
                // Which counter was thanked, never which button: officers see aggregates only.
                // A press that asks for a reason makes that counter's screen ask instead.
                try await writer.write(
                    message(engine.rules.asksReason(rating) ? "reason" : "thanks", try encoder.encode(["counter": rating.counter.rawValue]))
                )
            case .ratingReasonGiven(let counter, _, _, _):
                try await writer.write(message("thanks", try encoder.encode(["counter": counter.rawValue])))
            default:
                break
            }
            try await writer.write(
                message("state", try encoder.encode(DisplaySnapshot(await engine.snapshot, centreName: centre, officers: officers))))
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
