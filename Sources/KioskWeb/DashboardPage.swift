import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskService
import KioskStore
import Synchronization

/// The live dashboard (leader, admin): today so far per counter, officer and service, and
/// three pictures: today's tickets and waits per hour, satisfaction per officer this month,
/// and the months of the year. A page load reads a ready copy; after a change a new one is
/// built in the background (at most every two seconds) and a push tells open pages to fetch it.
actor DashboardCache {
    private let daemon: KioskDaemon
    private var html: String?
    private var builtAt: ContinuousClock.Instant?
    private var changes = 0
    private var builtFor = -1
    private var building: Task<String, any Error>?
    /// The year's finished months, by `yyyy-MM`: they no longer change.
    private var pastMonths: [String: SatisfactionReport.Row] = [:]
    private var pastMonthsKey = ""

    static let minimumAge: Duration = .seconds(2)

    init(daemon: KioskDaemon) {
        self.daemon = daemon
    }

    func noteChange() { changes += 1 }

    /// The newest copy at once; if the hall has changed since and the copy is at least two
    /// seconds old, a new one is built in the background (a page load never waits for it).
    func content() async throws -> String {
        guard let html else { return try await fresh() }
        if builtFor != changes, building == nil, builtAt.map({ ContinuousClock.now - $0 >= Self.minimumAge }) ?? true {
            Task { _ = try? await self.fresh() }
        }
        return html
    }

    /// A copy that shows every change noted so far (the push waits for it before telling pages).
    func fresh() async throws -> String {
        let wanted = changes
        while true {
            if let html, builtFor >= wanted { return html }
            if let building {
                _ = try await building.value
                continue
            }
            let target = changes
            let daemon = self.daemon
            let now = Date()
            let past = try await pastMonthRows(now: now)
            let state = await daemon.engine.snapshot
            let task = Task {
                try await PageWork.run(on: PageWork.reports) {
                    try DashboardPage.build(daemon: daemon, state: state, now: now, pastMonths: past)
                }
            }
            building = task
            defer { building = nil }
            html = try await task.value
            builtFor = target
            builtAt = .now
        }
    }

    private func pastMonthRows(now: Date) async throws -> [SatisfactionReport.Row] {
        let today = LocalDay(now, in: daemon.config.timeZone)
        let key = "\(today.year)-\(today.month)"
        if pastMonthsKey != key {
            let daemon = self.daemon
            let rows: [SatisfactionReport.Row] =
                today.month == 1
                ? []
                : try await PageWork.run(on: PageWork.reports) {
                    try SatisfactionReport(
                        database: daemon.database, config: daemon.config, from: LocalDay(year: today.year, month: 1, day: 1),
                        to: LocalDay(year: today.year, month: today.month - 1, day: 1).lastOfMonth, by: .month
                    ).rows
                }
            pastMonths = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            pastMonthsKey = key
        }
        return pastMonths.values.sorted { $0.key < $1.key }
    }
}

enum DashboardPage {
    static func register(on router: Router<KioskRequestContext>, daemon: KioskDaemon, accounts: AccountService, metrics: KioskMetrics) {
        let cache = DashboardCache(daemon: daemon)
        // Every event of the hall makes the copy old; the engine ends the stream when it stops.
        Task {
            let (_, events) = await daemon.engine.subscribe(buffer: 16)
            for await _ in events { await cache.noteChange() }
        }
        router.staff(.watchLiveFigures, .page, accounts: accounts).get("/dashboard") { _, context in
            let who = context.who
            let content = try await cache.content()
            return WebServer.html(
                StaffPage.frame(
                    title: "Số liệu hôm nay", who: who, here: "/dashboard",
                    body: "<div id=\"dashboard\">\(content)</div>", script: script))
        }
        router.staff(.watchLiveFigures, .api, accounts: accounts).get("/dashboard/content") { _, _ in
            var response = WebServer.html(try await cache.content())
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.staff(.watchLiveFigures, .api, accounts: accounts).get("/api/dashboard/events") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await metrics.counting("dashboard") {
                        let (_, events) = await daemon.engine.subscribe(buffer: 16)
                        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                        var last = ContinuousClock.now
                        for await _ in events {
                            // At most one push per two seconds: a busy hall must not make pages flicker.
                            let wait = DashboardCache.minimumAge - (ContinuousClock.now - last)
                            if wait > .zero { try await Task.sleep(for: wait) }
                            // The new copy is ready before the page is told to fetch it.
                            _ = try await cache.fresh()
                            last = .now
                            try await writer.write(ByteBuffer(string: "event: changed\ndata: {}\n\n"))
                        }
                        try await writer.finish(nil)
                    }
                })
        }
    }

    static let script = """
        let fetching = false;
        async function refresh() {
          if (fetching) return;
          fetching = true;
          try {
            const response = await fetch("/dashboard/content");
            if (response.ok) document.getElementById("dashboard").innerHTML = await response.text();
          } finally { fetching = false; }
        }
        const source = new EventSource("/api/dashboard/events");
        source.addEventListener("changed", refresh);
        """

    /// The dashboard's HTML (tables and SVG pictures), from the database and the live queue.
    static func build(daemon: KioskDaemon, state: QueueState, now: Date, pastMonths: [SatisfactionReport.Row]) throws -> String {
        let config = daemon.config
        let zone = config.timeZone
        let today = LocalDay(now, in: zone)
        let firstOfMonth = LocalDay(year: today.year, month: today.month, day: 1)
        func report(_ from: LocalDay, _ by: ReportGrouping) throws -> SatisfactionReport {
            try SatisfactionReport(database: daemon.database, config: config, from: from, to: today, by: by)
        }
        let labels = config.rules.ratingScale.levels.map(\.label)
        // Who waits now, for each counter (its services, and tickets sent to it) and each service.
        let waiting = state.waiting.compactMap { state.tickets[$0] }.filter { $0.print != .pending }
        func waitingNow(_ grouping: ReportGrouping, _ key: String) -> String? {
            switch grouping {
            case .service: return String(waiting.filter { $0.queueService.rawValue == key && $0.queueCounter == nil }.count)
            case .counter:
                guard let n = Int(key), let counter = config.rules.counter(CounterNumber(n)) else { return nil }
                return String(
                    waiting.filter {
                        $0.queueCounter == counter.number
                            || ($0.queueCounter == nil && counter.services.contains($0.queueService))
                    }.count)
            default: return nil
            }
        }
        func table(_ title: String, _ report: SatisfactionReport) -> String {
            let live = report.grouping == .counter || report.grouping == .service
            let header =
                [""] + (live ? ["Đang chờ"] : []) + ["Đã phục vụ", "Chờ TB (phút)", "Chờ P90 (phút)", "Phục vụ TB (phút)"] + labels + [
                    "Tỷ lệ hài lòng"
                ]
            var out =
                "<h3>\(StaffPage.escape(title))</h3><table><thead><tr>"
                + header.map { "<th>\(StaffPage.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in report.rows {
                let name = row.name.isEmpty ? row.key : row.name
                let cells =
                    [name] + (live ? [waitingNow(report.grouping, row.key) ?? ""] : []) + [
                        String(row.figures.finished), SatisfactionReport.minutes(row.times.meanWait),
                        SatisfactionReport.minutes(row.times.p90Wait), SatisfactionReport.minutes(row.times.meanService),
                    ]
                    + row.figures.levelCounts.map(String.init)
                    + [row.figures.satisfactionRate.map { SatisfactionReport.percent($0) + " %" } ?? "—"]
                out += "<tr>" + cells.map { "<td>\(StaffPage.escape($0))</td>" }.joined() + "</tr>"
            }
            if report.rows.isEmpty { out += "<tr><td colspan=\"\(header.count)\">Chưa có số liệu.</td></tr>" }
            return out + "</tbody></table>"
        }

        let byCounter = try report(today, .counter)
        let byOfficer = try report(today, .officer)
        let byService = try report(today, .service)
        let offset = zone.secondsFromGMT(for: today.start(in: zone))
        let hours = try daemon.database.ticketsPerHour(day: today, offsetSeconds: offset)
        // The working day (7h to 17h) always, and any hour outside it that had tickets.
        let byHour = Dictionary(hours.map { ($0.hour, $0) }, uniquingKeysWith: { a, _ in a })
        let span = min(7, hours.first?.hour ?? 7)...max(17, hours.last?.hour ?? 17)
        let hourBars = span.map { hour in
            let h = byHour[hour]
            return SVGChart.Bar(
                label: "\(hour)h", value: Double(h?.issued ?? 0),
                text: h.map { "\($0.issued)" + ($0.meanWait.map { " · \(Int(($0 / 60).rounded()))′" } ?? "") } ?? "")
        }
        let monthOfficers = try report(firstOfMonth, .officer).rows.compactMap { row -> SVGChart.Bar? in
            guard let rate = row.figures.satisfactionRate else { return nil }
            return SVGChart.Bar(
                label: row.name.isEmpty ? row.key : row.name, value: rate * 100,
                text: "\(SatisfactionReport.percent(rate)) % (\(row.figures.rated))")
        }
        let thisMonth = try report(firstOfMonth, .month).rows
        let monthBars = (pastMonths + thisMonth).map { row in
            SVGChart.Bar(
                label: "T\(Int(row.key.suffix(2)) ?? 0)", value: (row.figures.satisfactionRate ?? 0) * 100,
                text: row.figures.satisfactionRate.map { SatisfactionReport.percent($0) + "%" } ?? "—")
        }
        let all = byService.rows.reduce((finished: 0, rated: 0, satisfied: 0)) { sum, row in
            (sum.finished + row.figures.finished, sum.rated + row.figures.rated, sum.satisfied + row.figures.satisfiedCount)
        }
        let rate = all.rated == 0 ? "—" : SatisfactionReport.percent(Double(all.satisfied) / Double(all.rated)) + " %"
        return """
            <div class="card"><h1>Hôm nay, đến \(DateText.format(now, in: zone, "HH:mm dd/MM/yyyy"))</h1>
            <p style="font-size: 1.3em">Đã phục vụ <strong>\(all.finished)</strong> · Lượt đánh giá <strong>\(all.rated)</strong> · \
            Tỷ lệ hài lòng <strong>\(rate)</strong></p>
            \(table("Theo quầy", byCounter))
            \(table("Theo cán bộ", byOfficer))
            \(table("Theo dịch vụ", byService))
            </div>
            <div class="card">\(SVGChart.columns(hourBars, title: "Số phiếu theo giờ hôm nay (và số phút chờ trung bình)"))</div>
            <div class="card">\(SVGChart.rows(monthOfficers, title: "Tỷ lệ hài lòng theo cán bộ, tháng \(today.month)/\(today.year)"))</div>
            <div class="card">\(SVGChart.columns(monthBars, title: "Tỷ lệ hài lòng theo tháng, năm \(today.year) (%)", maximum: 100))</div>
            """
    }
}
