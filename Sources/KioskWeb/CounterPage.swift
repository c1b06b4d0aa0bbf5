/// A counter's own small screen: the officer signed in there (name, and photo when there is
/// one), and the number it serves, large.
enum CounterPage {
    static func html(counter: Int, initialState json: String, thanks: String, thanksSeconds: Int) -> String {
        #"""
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
        </style>
        </head>
        <body>
        <div id="counter">Quầy số COUNTER</div>
        <div id="officer"><img id="photo" alt=""><span id="officer-name"></span></div>
        <div id="number">—</div>
        <div id="status">Đang kết nối…</div>
        <div id="thanks">THANKS_TEXT</div>
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
        let thanksTimer = null;
        source.addEventListener("thanks", (e) => {
          if (JSON.parse(e.data).counter !== counter) return;
          const box = document.getElementById("thanks");
          box.style.display = "flex";
          clearTimeout(thanksTimer);
          thanksTimer = setTimeout(() => { box.style.display = "none"; }, THANKS_MS);
        });
        source.onerror = () => { document.getElementById("status").textContent = "Mất kết nối, đang kết nối lại…"; };
        </script>
        </body>
        </html>
        """#.replacingOccurrences(of: "COUNTER", with: String(counter))
            .replacingOccurrences(of: "INITIAL_STATE", with: DisplayPage.scriptSafe(json))
            .replacingOccurrences(of: "THANKS_TEXT", with: escapeHTML(thanks))
            .replacingOccurrences(of: "THANKS_MS", with: String(thanksSeconds * 1000))
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
