/// What a ticket says besides its number.
public struct TicketLayout: Sendable, Equatable {
    public var title: String
    public var footer: [String]
    /// A QR code's content, with `{number}`, `{day}`, `{service}`, `{id}` filled in; none by default.
    public var qrURL: String?

    public init(title: String, footer: [String], qrURL: String? = nil) {
        self.title = title
        self.footer = footer
        self.qrURL = qrURL
    }
}

extension TicketLayout {
    public static let defaultTitle = "PHIẾU SỐ THỨ TỰ"
    public static let defaultFooter = ["Vui lòng giữ phiếu và chờ gọi số.", "Xin cảm ơn!"]

    /// `[ticket]`; the defaults where it is absent.
    static func read(_ top: TableReader) throws(ConfigError) -> TicketLayout {
        guard let t = try top.table("ticket") else { return TicketLayout(title: defaultTitle, footer: defaultFooter) }
        let ticket = TicketLayout(
            title: try t.string("title", default: defaultTitle), footer: try t.strings("footer", default: defaultFooter),
            qrURL: try t.optionalString("qr_url"))
        // A phone reads a small code at a glance; 300 bytes is far more than a URL needs.
        if let url = ticket.qrURL, url.utf8.count > 300 {
            throw t.error("qr_url", "is \(url.utf8.count) bytes: a ticket's QR code should hold a short link (at most 300 bytes)")
        }
        try t.finish()
        return ticket
    }
}
