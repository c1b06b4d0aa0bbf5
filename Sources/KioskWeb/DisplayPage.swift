/// The hall display: a full-screen page for the TV (1920×1080), readable from ten metres.
/// It follows `/api/display/events` and rebuilds itself from each full state it receives.
enum DisplayPage {
    static func html(initialState json: String) -> String {
        template.replacingOccurrences(of: "INITIAL_STATE", with: scriptSafe(json))
    }

    /// JSON inside a <script>: `</` would end the script early.
    static func scriptSafe(_ json: String) -> String {
        json.replacingOccurrences(of: "</", with: "<\\/")
    }

    static let template = #"""
        <!DOCTYPE html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Màn hình gọi số</title>
        <style>
          html, body { margin: 0; height: 100%; background: #0b2545; color: #fff;
            font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; }
          body { display: grid; grid-template-rows: 12vh 1fr 8vh; }
          header { display: flex; justify-content: space-between; align-items: center; padding: 0 3vw;
            background: #13315c; font-size: 3.2vh; font-weight: bold; }
          #clock { font-size: 4.5vh; font-variant-numeric: tabular-nums; }
          main { display: grid; grid-template-columns: 2fr 1fr; gap: 2vw; padding: 2vh 3vw; min-height: 0; }
          #latest { background: #ffd60a; color: #0b2545; border-radius: 2vh; padding: 2vh 2vw; text-align: center; }
          #latest .label { font-size: 4vh; }
          #latest .number { font-size: 22vh; font-weight: bold; line-height: 1.05; }
          #latest .counter { font-size: 9vh; font-weight: bold; }
          #latest.flash { animation: flash 1s ease-in-out 3; }
          @keyframes flash { 50% { background: #fff; } }
          table { width: 100%; border-collapse: collapse; font-size: 6vh; margin-top: 2vh; }
          th { font-size: 3vh; text-align: left; color: #8db3e2; font-weight: normal; }
          td { padding: 0.6vh 0; border-bottom: 1px solid #1f4e8c; font-weight: bold; }
          td.arrow { color: #8db3e2; width: 8vw; text-align: center; }
          aside h2 { font-size: 3.4vh; color: #8db3e2; font-weight: normal; margin: 0 0 1vh; }
          .service { display: flex; justify-content: space-between; font-size: 4vh; padding: 1vh 0;
            border-bottom: 1px solid #1f4e8c; }
          .service b { font-size: 5vh; }
          footer { display: flex; align-items: center; padding: 0 3vw; font-size: 3vh; background: #13315c; }
          #status.offline { color: #ff8fa3; }
        </style>
        </head>
        <body>
        <header><span id="centre">Trung tâm Phục vụ hành chính công</span><span id="clock"></span></header>
        <main>
          <section>
            <div id="latest">
              <div class="label">Mời công dân có số thứ tự</div>
              <div class="number" id="latest-number">—</div>
              <div class="counter" id="latest-counter">&nbsp;</div>
            </div>
            <table>
              <thead><tr><th>Số thứ tự</th><th></th><th>Quầy</th></tr></thead>
              <tbody id="calls"></tbody>
            </table>
          </section>
          <aside>
            <h2>Đang chờ</h2>
            <div id="services"></div>
          </aside>
        </main>
        <footer><span id="status">Đang kết nối…</span></footer>
        <script>
        "use strict";
        const $ = (id) => document.getElementById(id);
        let lastCallKey = null;
        let timeZone = undefined;

        function cell(text, cls) {
          const td = document.createElement("td");
          td.textContent = text;
          if (cls) td.className = cls;
          return td;
        }

        function render(state) {
          $("centre").textContent = state.centre;
          timeZone = state.timeZone;
          tick();
          const calls = state.calls;
          const latest = calls[0];
          $("latest-number").textContent = latest ? latest.number : "—";
          $("latest-counter").textContent = latest ? "đến " + latest.counterName : "\u00a0";
          const key = latest ? latest.number + "@" + latest.counter + "@" + latest.at : null;
          if (key && key !== lastCallKey && lastCallKey !== null) {
            const box = $("latest");
            box.classList.remove("flash"); void box.offsetWidth; box.classList.add("flash");
          }
          lastCallKey = key;
          const rows = calls.slice(1, 7).map((c) => {
            const tr = document.createElement("tr");
            tr.append(cell(c.number), cell("→", "arrow"), cell(c.counterName));
            return tr;
          });
          $("calls").replaceChildren(...rows);
          $("services").replaceChildren(...state.services.map((s) => {
            const div = document.createElement("div");
            div.className = "service";
            const name = document.createElement("span"); name.textContent = s.name;
            const count = document.createElement("b"); count.textContent = s.waiting;
            div.append(name, count);
            return div;
          }));
        }

        function tick() {
          const now = new Date();
          $("clock").textContent = now.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone }) +
            "  " + now.toLocaleDateString("vi-VN", { timeZone });
        }
        setInterval(tick, 1000); tick();

        // The state the page was served with, at once; then live by push (the stream resends it after a reconnect).
        render(INITIAL_STATE);

        function connect() {
          const source = new EventSource("/api/display/events");
          source.addEventListener("state", (e) => {
            render(JSON.parse(e.data));
            $("status").textContent = "Trực tuyến"; $("status").className = "";
          });
          source.onerror = () => { $("status").textContent = "Mất kết nối, đang kết nối lại…"; $("status").className = "offline"; };
        }
        connect();
        </script>
        </body>
        </html>
        """#
}
