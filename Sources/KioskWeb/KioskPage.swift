/// The touch kiosk for centres with a touch screen instead of buttons: one large button per
/// service, the number after a press, and a plain word when the printer cannot print.
/// It reaches nothing but taking a ticket.
enum KioskPage {
    static let html = #"""
        <!DOCTYPE html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Lấy số thứ tự</title>
        <style>
          html, body { margin: 0; height: 100%; background: #f4f6fa; font-family: "DejaVu Sans", Arial, sans-serif; color: #0b2545; }
          body { display: flex; flex-direction: column; }
          h1 { text-align: center; font-size: 6vh; margin: 3vh 0 1vh; }
          p.hint { text-align: center; font-size: 3.2vh; margin: 0 0 1.5vh; padding: 0 3vw; }
          p.hint.small { font-size: 2.4vh; }
          #services { display: grid; align-content: start; grid-template-columns: repeat(auto-fit, minmax(40vw, 1fr)); gap: 2vh 2vw; padding: 2vh 3vw; }
          button { font: inherit; font-size: 4.5vh; font-weight: bold; border: none; border-radius: 2vh; background: #13315c; color: #fff;
            min-height: 16vh; cursor: pointer; }
          button.priority { background: #8f2d56; font-size: 3vh; min-height: 7vh; }
          button:active { transform: scale(0.98); }
          #notice { position: fixed; inset: 0; display: none; align-items: center; justify-content: center; flex-direction: column;
            background: rgba(11, 37, 69, 0.95); color: #fff; text-align: center; font-size: 5vh; padding: 4vw; }
          #notice b { font-size: 22vh; color: #ffd60a; }
          #printer { text-align: center; font-size: 4vh; color: #8f2d56; font-weight: bold; min-height: 5vh; }
        </style>
        </head>
        <body>
        <h1>Lấy số thứ tự</h1>
        <p class="hint">Chạm vào lĩnh vực cần giải quyết</p>
        <p class="hint small">Nút «Ưu tiên»: người cao tuổi, người khuyết tật, phụ nữ mang thai, người có công</p>
        <div id="printer"></div>
        <div id="services"></div>
        <div id="notice"></div>
        <script>
        "use strict";
        const notice = document.getElementById("notice");
        function show(lines, seconds) {
          notice.replaceChildren(...lines.map(([tag, text]) => { const e = document.createElement(tag); e.textContent = text; return e; }));
          notice.style.display = "flex";
          setTimeout(() => { notice.style.display = "none"; }, seconds * 1000);
        }
        async function take(code, priority) {
          try {
            const response = await fetch("/api/kiosk/tickets", { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ service: code, priority }) });
            const body = await response.json();
            if (response.ok) {
              show([["div", "Số thứ tự của bạn"], ["b", body.number], ["div", body.service],
                    ["div", "Số người chờ trước bạn: " + body.waitingAhead]]
                    .concat(body.estimatedWait ? [["div", "Thời gian chờ dự kiến: " + body.estimatedWait]] : []), 6);
            } else {
              show([["div", body.error || "Chưa lấy được số. Vui lòng báo cán bộ."]], 6);
            }
          } catch (e) {
            show([["div", "Mất kết nối. Vui lòng báo cán bộ."]], 6);
          }
          refresh();
        }
        async function refresh() {
          const state = await (await fetch("/api/kiosk/services")).json();
          document.getElementById("printer").textContent = state.printerReady ? "" :
            "Máy in đang gặp sự cố" + (state.printerProblem ? ": " + state.printerProblem : "") + ". Vui lòng báo cán bộ.";
          const buttons = [];
          for (const s of state.services) {
            const normal = document.createElement("button");
            normal.textContent = s.name;
            normal.onclick = () => take(s.code, false);
            const priority = document.createElement("button");
            priority.className = "priority";
            priority.textContent = "Ưu tiên";
            priority.onclick = () => take(s.code, true);
            const cell = document.createElement("div");
            cell.style.display = "grid"; cell.style.gap = "1vh";
            cell.append(normal, priority);
            buttons.push(cell);
          }
          document.getElementById("services").replaceChildren(...buttons);
        }
        refresh();
        setInterval(refresh, 15000);
        </script>
        </body>
        </html>
        """#
}
