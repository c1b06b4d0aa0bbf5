import Foundation
import Hummingbird
import KioskCore
import KioskPages
import KioskService
import KioskStore

/// The officer's counter page: pick a counter, then next / call / recall / no-show / hold /
/// return / transfer / finish, as the keypad does, live by push. Their own figures are
/// aggregates in steps of five ratings: never the level of one press.
enum OfficerPage {
    static func register(
        on router: Router<KioskRequestContext>, daemon: KioskDaemon, accounts: AccountService, encoder: JSONEncoder,
        metrics: KioskMetrics
    ) {
        router.staff(.workAtCounter, .page, accounts: accounts).get("/officer") { request, context in
            let who = context.who
            return WebServer.html(StaffPage.frame(title: "Quầy của tôi", who: who, here: "/officer", body: body, script: script))
        }
        router.staff(.workAtCounter, .api, accounts: accounts).get("/api/officer/state") { request, context in
            let who = context.who
            return WebServer.json(try encoder.encode(try await view(daemon: daemon, account: who.account)))
        }
        router.staff(.workAtCounter, .api, accounts: accounts).get("/api/officer/events") { request, context in
            let who = context.who
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await metrics.counting("officer") {
                        let (_, events) = await daemon.engine.subscribe(buffer: 64)
                        var figures = try await PageWork.run { try OfficerPage.figures(daemon: daemon, account: who.account) }
                        func send() async throws {
                            let view = OfficerView(
                                state: await daemon.engine.snapshot, account: who.account,
                                names: try await PageWork.run { try OfficerPage.names(daemon) }, figures: figures)
                            try await writer.write(DisplayStream.message("state", try encoder.encode(view)))
                        }
                        try await send()
                        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                        for await event in events {
                            // A logged-out or disabled account's page stops hearing.
                            guard (try? await accounts.session(who.session.id)) != nil else { break }
                            switch event.kind {
                            case .ticketFinished, .ticketNoShow, .ratingRecorded, .dayStarted:
                                figures = try await PageWork.run { try OfficerPage.figures(daemon: daemon, account: who.account) }
                            default: break
                            }
                            try await send()
                        }
                        try await writer.finish(nil)
                    }
                })
        }
        router.staff(.workAtCounter, .api, accounts: accounts, bodyLimit: OfficerAction.maxBytes).post("/api/officer/action") {
            request, context in
            let who = context.who
            guard WebServer.isJSON(request.headers[.contentType]) else {
                return WebServer.problem(.unsupportedMediaType, "Content-Type must be application/json")
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: OfficerAction.maxBytes) } catch {
                return WebServer.problem(.contentTooLarge, "request larger than \(OfficerAction.maxBytes) bytes")
            }
            guard let action = try? JSONDecoder().decode(OfficerAction.self, from: Data(buffer: body)) else {
                return WebServer.problem(.badRequest, "body must be JSON like {\"action\": \"next\"}")
            }
            let state = await daemon.engine.snapshot
            let here = state.rules.counters.first { state.counters[$0.number]?.officer == who.account.id }?.number
            let command: QueueCommand
            switch action.command(officer: who.account.id, at: here) {
            case .success(let c): command = c
            case .failure(.bad(let why)): return WebServer.problem(.badRequest, why)
            case .failure(.notAtCounter):
                return WebServer.problem(.conflict, "chưa ngồi quầy nào: hãy chọn quầy trước (sign in at a counter first)")
            }
            let events: [QueueEvent]
            do throws(CommandError) {
                events = try await daemon.router.perform(command, actor: who.account.id)
            } catch {
                return WebServer.problem(for: error)
            }
            return WebServer.json(
                try encoder.encode(
                    ActionReply(
                        done: events.map(\.name),
                        view: try await view(daemon: daemon, account: who.account))))
        }
    }

    struct ActionReply: Encodable {
        var done: [String]
        var view: OfficerView
    }

    static func view(daemon: KioskDaemon, account: Officer) async throws -> OfficerView {
        OfficerView(
            state: await daemon.engine.snapshot, account: account, names: try await PageWork.run { try names(daemon) },
            figures: try await PageWork.run { try figures(daemon: daemon, account: account) })
    }

    static func figures(daemon: KioskDaemon, account: Officer) throws -> OfficerView.Figures {
        try OfficerView.figures(database: daemon.database, officer: account.id, rules: daemon.config.rules, now: Date())
    }

    static func names(_ daemon: KioskDaemon) throws -> [OfficerID: String] {
        Dictionary(try daemon.database.officers().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    static let body = """
        <p id="message" class="error" role="alert"></p>
        <section id="choose" class="card" hidden>
          <h2>Chọn quầy làm việc</h2>
          <table><thead><tr><th>Quầy</th><th>Đang ngồi</th><th></th></tr></thead><tbody id="counters"></tbody></table>
        </section>
        <section id="work" hidden>
          <div class="card">
            <div><span id="counterName"></span> · <span id="serviceName"></span></div>
            <div class="number" id="serving">—</div>
            <div id="since"></div>
            <p>
              <button class="big" data-action="next">Gọi số tiếp theo</button>
              <button data-action="recall">Gọi lại</button>
              <button data-action="no-show">Vắng mặt</button>
              <button data-action="hold">Tạm giữ</button>
            </p>
            <p>
              <label>Kết quả <select id="outcome">
                <option value="served">Đã giải quyết</option>
                <option value="incomplete">Chưa xong (bổ sung hồ sơ)</option>
                <option value="declined">Từ chối</option>
              </select></label>
              <button data-action="finish">Hoàn thành</button>
            </p>
            <p>
              <label>Mã hồ sơ <input id="dossierCode" size="28" placeholder="000.00.12.H56-250701-0001"></label>
              <button data-action="dossier">Gắn hồ sơ</button>
            </p>
            <p>
              <label>Gọi số <input id="callNumber" size="6" placeholder="A015"></label>
              <button data-action="call">Gọi</button>
              <span id="heldBox"></span>
            </p>
            <p>
              <label>Chuyển sang <select id="transferTo"></select></label>
              <button data-action="transfer">Chuyển</button>
              <button class="quiet" data-action="sign-out">Rời quầy</button>
            </p>
          </div>
          <div class="card">
            <h2>Đang chờ (<span id="waitingCount">0</span>)</h2>
            <table><thead><tr><th>Số</th><th>Dịch vụ</th><th>Lấy số lúc</th></tr></thead><tbody id="waiting"></tbody></table>
          </div>
        </section>
        <section class="card">
          <h2>Kết quả của tôi</h2>
          <p><small>Đánh giá được cộng theo từng nhóm 5 lượt, để không ai biết một người dân đã bấm nút nào.</small></p>
          <table><thead><tr><th></th><th>Hôm nay</th><th>Tháng này</th></tr></thead><tbody id="figures"></tbody></table>
        </section>
        """

    static let script = #"""
        const csrf = document.querySelector('meta[name="csrf"]').content;
        const $ = (id) => document.getElementById(id);
        let view = null;
        let zone;
        const time = (iso) => new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: zone });
        function cell(row, text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); return td; }
        function render(v) {
          view = v;
          zone = v.timeZone;
          $("choose").hidden = v.counter != null;
          $("work").hidden = v.counter == null;
          const counters = $("counters"); counters.replaceChildren();
          for (const c of v.counters) {
            const row = document.createElement("tr");
            cell(row, c.name); cell(row, c.officer || "—");
            const button = document.createElement("button");
            button.textContent = c.officer && !c.mine ? "Ngồi thay" : "Ngồi quầy này";
            button.onclick = () => act({ action: "sign-in", counter: c.number });
            row.appendChild(document.createElement("td")).appendChild(button);
            counters.appendChild(row);
          }
          if (v.counter != null) {
            const mine = v.counters.find((c) => c.number === v.counter);
            $("counterName").textContent = mine ? mine.name : "Quầy " + v.counter;
            $("serving").textContent = v.serving || "—";
            $("serviceName").textContent = v.servingService || "";
            $("since").textContent = v.servingSince ? "Từ " + time(v.servingSince) : "";
            $("heldBox").textContent = v.held.length ? "Đang giữ: " + v.held.join(", ") : "";
            const waiting = $("waiting"); waiting.replaceChildren();
            for (const w of v.waiting) {
              const row = document.createElement("tr");
              cell(row, w.number + (w.priority ? " (ưu tiên)" : "") + (w.toThisCounter ? " (chuyển đến)" : ""));
              cell(row, w.service); cell(row, time(w.issuedAt));
              waiting.appendChild(row);
            }
            $("waitingCount").textContent = v.waiting.length;
            const transfer = $("transferTo");
            if (!transfer.options.length) {
              for (const s of v.services) transfer.add(new Option("Dịch vụ " + s.name, "service:" + s.code));
              for (const c of v.counters) transfer.add(new Option(c.name, "counter:" + c.number));
            }
          }
          const f = v.figures, rows = $("figures"); rows.replaceChildren();
          if (!f) return;
          const line = (label, today, month) => { const r = document.createElement("tr"); cell(r, label); cell(r, today); cell(r, month); rows.appendChild(r); };
          const minutes = (s) => s == null ? "—" : (s / 60).toFixed(1) + " phút";
          line("Đã phục vụ", f.today.finished, f.month.finished);
          line("Vắng mặt", f.today.noShows, f.month.noShows);
          line("Thời gian phục vụ trung bình", minutes(f.today.meanServiceSeconds), minutes(f.month.meanServiceSeconds));
          line("Lượt đánh giá đã cộng", f.today.ratingsShown, f.month.ratingsShown);
          f.levelLabels.forEach((label, i) => line(label, f.today.levels[i], f.month.levels[i]));
          const pct = (x) => x == null ? "—" : x.toFixed(1) + " %";
          line("Tỷ lệ hài lòng", pct(f.today.satisfactionPercent), pct(f.month.satisfactionPercent));
        }
        async function act(body) {
          $("message").textContent = "";
          const response = await fetch("/api/officer/action", { method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body) });
          const reply = await response.json().catch(() => ({}));
          if (!response.ok) { $("message").textContent = reply.error || ("Lỗi " + response.status); return; }
          render(reply.view);
        }
        document.querySelectorAll("button[data-action]").forEach((button) => {
          button.onclick = () => {
            const action = button.dataset.action, body = { action };
            if (action === "finish") body.outcome = $("outcome").value;
            if (action === "call") body.number = $("callNumber").value.trim();
            if (action === "dossier") body.code = $("dossierCode").value.trim();
            if (action === "transfer") {
              const [kind, value] = $("transferTo").value.split(":");
              if (kind === "service") body.service = value; else body.toCounter = Number(value);
            }
            act(body);
          };
        });
        fetch("/api/officer/state").then((r) => r.json()).then(render);
        const source = new EventSource("/api/officer/events");
        source.addEventListener("state", (e) => render(JSON.parse(e.data)));
        source.onerror = () => { $("message").textContent = "Mất kết nối, đang kết nối lại…"; };
        source.onopen = () => { $("message").textContent = ""; };
        """#
}
