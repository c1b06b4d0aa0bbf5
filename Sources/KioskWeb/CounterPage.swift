import KioskCore
import KioskService

/// A counter's own small screen: the officer signed in there (name, and photo when there is
/// one), and the number it serves, large.
enum CounterPage {
    static func html(counter: Int, initialState json: String, thanks: ThanksSettings, reasons: RatingReasons?) -> String {
        // The question after a press that asks why, with each reason under its key's number.
        let question =
            reasons.map { r in
                "<div id=\"reason-question\">\(escapeHTML(thanks.reasonPrompt))</div><ol id=\"reasons\">"
                    + r.labels.enumerated().map { "<li><b>\($0.offset + 1)</b> \(escapeHTML($0.element))</li>" }.joined() + "</ol>"
            } ?? ""
        return #"""
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Quầy số COUNTER</title>
            <style>
              html, body { margin: 0; height: 100%; background: #0b2545; color: #fff; font-family: "DejaVu Sans", Arial, sans-serif; }
              body { display: flex; flex-direction: column; align-items: center; justify-content: center; text-align: center; }
              #counter { font-size: 9vh; color: #8db3e2; }
              #number { font-size: 40vh; font-weight: bold; color: #ffd60a; line-height: 1; }
              #status { font-size: 5vh; margin-top: 2vh; }
              #officer { display: flex; align-items: center; gap: 2vw; font-size: 5vh; margin-bottom: 2vh; min-height: 5vh; }
              #photo { height: 16vh; border-radius: 1vh; display: none; }
              #thanks { position: fixed; inset: 0; display: none; align-items: center; justify-content: center; text-align: center;
                background: #2b9348; color: #fff; font-size: 11vh; font-weight: bold; padding: 4vw; }
              #reason { position: fixed; inset: 0; display: none; flex-direction: column; align-items: center; justify-content: center;
                background: #0b2545; color: #fff; padding: 4vw; }
              #reason-question { font-size: 8vh; font-weight: bold; color: #ffd60a; margin-bottom: 4vh; }
              #reasons { list-style: none; padding: 0; margin: 0; font-size: 6vh; text-align: left; }
              #reasons li { margin: 1.5vh 0; }
              #reasons b { display: inline-block; min-width: 8vh; text-align: center; background: #ffd60a; color: #0b2545;
                border-radius: 1vh; margin-right: 2vw; }
            </style>
            </head>
            <body>
            <div id="counter">Quầy số COUNTER</div>
            <div id="officer"><img id="photo" alt=""><span id="officer-name"></span></div>
            <div id="number">—</div>
            <div id="status">Đang kết nối…</div>
            <div id="thanks">THANKS_TEXT</div>
            <div id="reason">REASON_QUESTION</div>
            <script>
            "use strict";
            const counter = COUNTER;
            function render(state) {
              const mine = state.counters.find((c) => c.number === counter);
              const lastCall = state.calls.find((c) => c.counter === counter);
              document.getElementById("number").textContent = (mine && mine.serving) || (lastCall && lastCall.number) || "—";
              document.getElementById("status").textContent = mine && mine.open ? "Mời công dân" : "Tạm dừng";
              document.getElementById("officer-name").textContent = mine && mine.officer ? "Cán bộ: " + mine.officer : "";
              const photo = document.getElementById("photo");
              if (mine && mine.photo) {
                if (photo.getAttribute("src") !== mine.photo) photo.src = mine.photo;
                photo.style.display = "block";
              } else {
                photo.removeAttribute("src");
                photo.style.display = "none";
              }
            }
            render(INITIAL_STATE);
            const source = new EventSource("/api/display/events");
            source.addEventListener("state", (e) => render(JSON.parse(e.data)));
            let thanksTimer = null, reasonTimer = null;
            function thank() {
              clearTimeout(reasonTimer);
              document.getElementById("reason").style.display = "none";
              const box = document.getElementById("thanks");
              box.style.display = "flex";
              clearTimeout(thanksTimer);
              thanksTimer = setTimeout(() => { box.style.display = "none"; }, THANKS_MS);
            }
            source.addEventListener("thanks", (e) => { if (JSON.parse(e.data).counter === counter) thank(); });
            // The keypad asks why: the question until a reason is pressed or its time is up (no reason is an answer too).
            source.addEventListener("reason", (e) => {
              if (JSON.parse(e.data).counter !== counter) return;
              document.getElementById("thanks").style.display = "none";
              document.getElementById("reason").style.display = "flex";
              clearTimeout(reasonTimer);
              reasonTimer = setTimeout(thank, REASON_MS);
            });
            source.onerror = () => { document.getElementById("status").textContent = "Mất kết nối, đang kết nối lại…"; };
            </script>
            </body>
            </html>
            """#.replacingOccurrences(of: "COUNTER", with: String(counter))
                .replacingOccurrences(of: "INITIAL_STATE", with: DisplayPage.scriptSafe(json))
                .replacingOccurrences(of: "THANKS_TEXT", with: escapeHTML(thanks.message))
                .replacingOccurrences(of: "THANKS_MS", with: String(thanks.seconds * 1000))
                .replacingOccurrences(of: "REASON_QUESTION", with: question)
                .replacingOccurrences(of: "REASON_MS", with: String(Int((reasons?.seconds ?? 0) * 1000)))
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
