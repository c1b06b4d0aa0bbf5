import Foundation

/// What every page of ours shares, the box's staff pages and the province's alike: escaping,
/// the style, and the document around a page's body (Vietnamese, nothing loaded from elsewhere).
public enum HTML {
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    public static let style = """
        body { margin: 0; font-family: "DejaVu Sans", Arial, sans-serif; font-size: 18px; color: #1b1b1b; background: #f4f6f9; }
        header { display: flex; align-items: center; gap: 1.2em; background: #0b2545; color: #fff; padding: .6em 1em; flex-wrap: wrap; }
        header a { color: #fff; text-decoration: none; }
        header a.here { border-bottom: 3px solid #ffd60a; }
        header .who { margin-left: auto; }
        header form { display: inline; margin: 0; }
        main { padding: 1em; max-width: 1100px; margin: 0 auto; }
        button, select, input { font: inherit; padding: .45em .8em; }
        button { border: 0; border-radius: 6px; background: #13315c; color: #fff; cursor: pointer; }
        button.big { font-size: 1.5em; padding: .6em 1.4em; background: #2b9348; }
        button.quiet { background: #6c757d; }
        button:disabled { opacity: .45; cursor: default; }
        table { border-collapse: collapse; background: #fff; width: 100%; }
        th, td { border: 1px solid #ccd; padding: .35em .6em; text-align: left; }
        th { background: #e8edf3; }
        .card { background: #fff; border-radius: 8px; padding: 1em; margin-bottom: 1em; box-shadow: 0 1px 3px #0002; }
        .error { color: #b00020; font-weight: bold; }
        .number { font-size: 4em; font-weight: bold; color: #0b2545; }
        """

    /// The name, role and logout button at the right of a signed-in page's bar.
    public static func whoAndLogout(name: String, role: String, csrf: String) -> String {
        """
        <span class="who">\(escape(name)) · \(escape(role))</span>
        <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(escape(csrf))">\
        <button class="quiet" type="submit">Đăng xuất</button></form>
        """
    }

    /// A whole page: `bar` (already HTML) after the title in the header, `body` in `main`.
    /// `csrf`: the signed-in session's token, for the page's own scripts. `extraStyle`: the
    /// page's own rules after the shared ones.
    public static func document(
        title: String, bar: String = "", csrf: String? = nil, extraStyle: String = "", body: String,
        script: String = ""
    ) -> String {
        """
        <!DOCTYPE html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(csrf.map { "<meta name=\"csrf\" content=\"\(escape($0))\">" } ?? "")
        <title>\(escape(title))</title>
        <style>\(style)\(extraStyle.isEmpty ? "" : "\n" + extraStyle)</style>
        </head>
        <body>
        <header><strong>\(escape(title))</strong>\(bar)</header>
        <main>
        \(body)
        </main>
        \(script.isEmpty ? "" : "<script>\n\"use strict\";\n\(script)\n</script>")
        </body>
        </html>
        """
    }
}
