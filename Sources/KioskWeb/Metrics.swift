import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskRuntime
import KioskService
import Prometheus
import ServiceLifecycle
import Synchronization

/// `/metrics` in Prometheus's text format: tickets issued and refused, calls, ratings by level
/// and flag, print duration, devices' state, HTTP requests by route and status, push clients.
/// Counters follow the event stream from the daemon's start (a service of its own, ready once
/// it is subscribed); the rest is read at each scrape.
public final class KioskMetrics: Service, Sendable {
    let registry = PrometheusCollectorRegistry()
    private let daemon: KioskDaemon
    private let printDuration: DurationHistogram
    private let ready: ReadySignal

    public init(daemon: KioskDaemon, ready: ReadySignal = .unwatched) {
        self.daemon = daemon
        self.ready = ready
        printDuration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "kiosk", metricName: "print_duration", unitName: "seconds",
                helpText: "From a ticket's number stored to its last byte at the printer"),
            buckets: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            ])
    }

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "kiosk", metricName: name, unitName: "total", helpText: help),
            labels: labels)
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "kiosk", metricName: name, helpText: help), labels: labels)
    }

    /// Follows the hall's events until the daemon stops (the engine's events may end first,
    /// when the shutdown closes them: this part still ends only when told).
    public func run() async {
        await cancelWhenGracefulShutdown { await self.follow() }
        try? await gracefulShutdown()
    }

    private func follow() async {
        let (_, events) = await daemon.engine.subscribe(buffer: 10_000)
        ready.ready()
        var reserved: [TicketID: Date] = [:]
        for await event in events {
            switch event.kind {
            case .ticketIssued(let ticket, _):
                counter("tickets_issued", "Tickets issued", [("service", ticket.service.rawValue)]).increment()
                reserved[ticket.id] = event.at
            case .ticketPrinted(let id, _):
                if let at = reserved.removeValue(forKey: id) {
                    printDuration.recordNanoseconds(Int64(event.at.timeIntervalSince(at) * 1e9))
                }
            case .ticketPrintFailed(let id, _, _), .ticketVoided(let id, _, _), .ticketPrintUnknown(let id, _):
                reserved[id] = nil
                counter(
                    "tickets_not_printed", "Tickets whose printing failed, was voided or is in doubt",
                    [("outcome", event.name)]
                ).increment()
            case .ticketCalled(_, _, let c, _), .ticketRecalled(_, _, let c, _):
                counter(
                    "calls", "Numbers called",
                    [("counter", String(c.rawValue)), ("recall", event.name == "ticketRecalled" ? "true" : "false")]
                )
                .increment()
            case .ratingRecorded(let rating):
                counter("ratings", "Rating presses", [("level", String(rating.level)), ("flag", rating.flag?.rawValue ?? "none")])
                    .increment()
            default:
                break
            }
            // A ticket that never hears from its printer must not stay here for ever.
            if reserved.count > 10_000 { reserved.removeAll() }
        }
    }

    func recordRequest(route: String, status: Int) {
        counter("http_requests", "HTTP requests by route and status", [("route", route), ("status", String(status))]).increment()
    }

    /// The text a scrape reads: the gauges are read now.
    /// Open push streams of the staff pages, by page (the displays' are counted by their seats).
    let staffStreams = Mutex<[String: Int]>([:])

    /// Runs `body` counted as one open push stream of `page`.
    func counting<T>(_ page: String, _ body: () async throws -> T) async rethrows -> T {
        staffStreams.withLock { $0[page, default: 0] += 1 }
        defer { staffStreams.withLock { $0[page, default: 1] -= 1 } }
        return try await body()
    }

    func scrape(displayStreams: Int) async -> [UInt8] {
        for (reason, count) in daemon.router.refusals.all {
            let c = counter("tickets_refused", "Tickets asked for and not issued", [("reason", reason)])
            c.reset()
            c.increment(by: Int64(count))
        }
        for (key, count) in daemon.router.droppedPresses.all {
            let c = counter(
                "presses_dropped", "Key presses that made no command: bounces, and kiosk buttons pressed past their limit",
                [("keypad", key.keypad), ("reason", key.reason.rawValue)])
            c.reset()
            c.increment(by: Int64(count))
        }
        for entry in daemon.health.all {
            gauge(
                "device_up",
                "1 when the device works, 0 when it does not, 0.5 when its state cannot be known (not tried yet, or a printer that does not answer)",
                [("device", entry.device)]
            )
            .set(entry.state == .ok ? 1 : entry.state == .unknown ? 0.5 : 0)
        }
        let help = "Pages connected for push (Server-Sent Events), by page"
        gauge("push_clients", help, [("page", "display")]).set(Double(displayStreams))
        for page in ["officer", "dashboard"] {
            gauge("push_clients", help, [("page", page)]).set(Double(staffStreams.withLock { $0[page] ?? 0 }))
        }
        if let province = daemon.province.current {
            gauge("province_connected", "1 while the box is connected to the province's server").set(
                province.state == .connected ? 1.0 : 0.0)
            gauge("province_events_behind", "Events the province does not have yet").set(Double(province.eventsBehind))
            gauge("province_seconds_behind", "Age of the oldest event the province does not have yet").set(province.secondsBehind)
            gauge("province_events_sent", "Events the province accepted since the daemon started").set(Double(province.eventsSent))
        }
        let steps = counter("clock_steps", "Steps of the system clock of more than three minutes, back or forward")
        steps.reset()
        steps.increment(by: Int64(daemon.clockSteps.count))
        let state = await daemon.engine.snapshot
        for service in daemon.config.rules.services {
            gauge("waiting", "Tickets waiting now", [("service", service.code.rawValue)]).set(Double(state.waitingCount(service.code)))
        }
        return registry.emitToBuffer()
    }
}

/// Counts every request by its route (the pattern, not the path: no unbounded labels) and status.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = KioskRequestContext
    let metrics: KioskMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.recordRequest(route: context.endpointPath ?? "unmatched", status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordRequest(route: context.endpointPath ?? "unmatched", status: status)
            throw error
        }
    }
}
