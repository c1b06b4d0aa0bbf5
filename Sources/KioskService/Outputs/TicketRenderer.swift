import Foundation
import KioskCore
import KioskDevices
import Synchronization

/// Lays a ticket out as ESC/POS for one printer profile: what the citizen takes away. Big
/// number, service, people waiting ahead, date and time, in the centre's words, with correct
/// Vietnamese on TCVN-3 and raster profiles.
public struct TicketRenderer: Sendable {
    public let centreName: String
    public let layout: TicketLayout
    public let timeZone: TimeZone
    public let profile: PrinterProfile
    /// Needed by raster profiles only.
    public let rasterizer: TextRasterizer?
    /// The raster images of the lines every ticket repeats (centre, title, services, footer):
    /// drawn once, not at each press.
    private let repeated = RepeatedLines()

    public init(centreName: String, layout: TicketLayout, timeZone: TimeZone, profile: PrinterProfile, rasterizer: TextRasterizer?) {
        self.centreName = centreName
        self.layout = layout
        self.timeZone = timeZone
        self.profile = profile
        self.rasterizer = rasterizer
    }

    /// The installation's renderer; raster profiles load the font now, so a missing font is
    /// reported at start, not at the first ticket.
    public init(config: KioskConfig, profile: PrinterProfile) throws {
        self.init(
            centreName: config.centreName, layout: config.ticket, timeZone: config.timeZone, profile: profile,
            rasterizer: profile.textMode == .raster ? try TextRasterizer() : nil)
    }

    /// The parts of a ticket, top to bottom, each with its look.
    enum Style {
        case centre, title, number, marker, service, body, footer

        /// The same text on many tickets (not the number, the count ahead or the time).
        var repeats: Bool { self != .number && self != .body }

        /// Native text: width and height multipliers, bold.
        var native: (width: Int, height: Int, bold: Bool) {
            switch self {
            case .centre: (1, 1, true)
            case .title: (2, 1, false)
            case .number: (4, 4, true)
            case .marker: (1, 1, true)
            case .service: (1, 2, true)
            case .body, .footer: (1, 1, false)
            }
        }

        /// Raster text: height in dots (203 dpi: 24 dots is 3 mm), bold.
        var raster: (pixels: Int, bold: Bool) {
            switch self {
            case .centre: (26, true)
            case .title: (34, true)
            case .number: (150, true)
            case .marker: (30, true)
            case .service: (40, true)
            case .body: (28, false)
            case .footer: (24, false)
            }
        }
    }

    func lines(_ ticket: Ticket, serviceName: String, waitingAhead: Int) -> [(String, Style)] {
        var lines: [(String, Style)] = [(centreName, .centre), (layout.title, .title), (ticket.display, .number)]
        if ticket.priority { lines.append(("*** ƯU TIÊN ***", .marker)) }
        lines += [(serviceName, .service), ("Số người đang chờ trước bạn: \(waitingAhead)", .body)]
        // Only when the queue has enough of today's history to say (see WaitEstimate).
        if let wait = ticket.estimatedWait { lines.append(("Thời gian chờ dự kiến: \(WaitEstimate.vietnamese(wait))", .body)) }
        lines.append((Self.dateTime(ticket.issuedAt, timeZone), .body))
        lines += layout.footer.map { ($0, .footer) }
        return lines
    }

    public func render(_ ticket: Ticket, serviceName: String, waitingAhead: Int) -> [UInt8] {
        var doc = EscPosDocument(textEncoding: profile.textEncoding)
        doc.initialise()
        if profile.cancelChineseMode { doc.cancelChineseMode() }
        doc.align(.center)
        let lines = lines(ticket, serviceName: serviceName, waitingAhead: waitingAhead)
        if profile.textMode == .raster, let rasterizer {
            // One image, sent in stripes: spacing between parts is part of the picture.
            var image = MonoBitmap(width: profile.widthDots, height: 0)
            for (text, style) in lines {
                if style == .title || style == .service || (style == .footer && text == layout.footer.first) { image.appendBlank(rows: 12) }
                let draw = { rasterizer.render(text, width: profile.widthDots, pixels: style.raster.pixels, bold: style.raster.bold) }
                image.append(style.repeats ? repeated.image(text, style, draw) : draw())
            }
            doc.raster(image)
        } else {
            for (text, style) in lines {
                if style == .footer && text == layout.footer.first { doc.feed(lines: 1) }
                let look = style.native
                doc.size(width: look.width, height: look.height)
                doc.bold(look.bold)
                doc.line(text)
            }
            doc.size(width: 1, height: 1)
            doc.bold(false)
        }
        if let template = layout.qrURL {
            doc.feed(lines: 1)
            let data = Array(Self.fill(template, ticket).utf8)
            switch profile.qr {
            case .native:
                doc.qrCode(data)
            case .raster:
                // Checked when the configuration is read: the template's longest filling fits.
                if let symbol = QRSymbol(data) {
                    doc.raster(symbol.bitmap(moduleSize: symbol.moduleSize(fitting: profile.widthDots), width: profile.widthDots))
                }
            }
        }
        doc.feed(lines: 3)
        doc.cut(profile.cut)
        return doc.bytes
    }

    /// `{number}`, `{day}`, `{service}` and `{id}` in a QR URL template.
    static func fill(_ template: String, _ ticket: Ticket) -> String {
        template.replacingOccurrences(of: "{number}", with: ticket.display)
            .replacingOccurrences(of: "{day}", with: ticket.day.iso)
            .replacingOccurrences(of: "{service}", with: ticket.service.rawValue)
            .replacingOccurrences(of: "{id}", with: String(ticket.id.rawValue))
    }

    /// `26/11/2026 08:15`, the way dates are written in Vietnam (by arithmetic on the local
    /// day: a calendar and `String(format:)` cost more than the rest of a text ticket).
    static func dateTime(_ date: Date, _ timeZone: TimeZone) -> String {
        let day = LocalDay(date, in: timeZone)
        let local = Int((date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))).rounded(.down))
        let minutes = ((local % 86_400) + 86_400) % 86_400 / 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(day.day))/\(two(day.month))/\(day.year) \(two(minutes / 60)):\(two(minutes % 60))"
    }
}

/// Raster images of repeated ticket lines, by text and style; a config has a few dozen.
final class RepeatedLines: Sendable {
    private struct Key: Hashable {
        var text: String
        var style: TicketRenderer.Style
    }

    private let images = Mutex<[Key: MonoBitmap]>([:])
    /// More than any config's lines: a bound, should something repeat that should not.
    static let limit = 512

    func image(_ text: String, _ style: TicketRenderer.Style, _ draw: () -> MonoBitmap) -> MonoBitmap {
        let key = Key(text: text, style: style)
        if let known = images.withLock({ $0[key] }) { return known }
        let made = draw()
        images.withLock { images in
            if images.count >= Self.limit { images.removeAll() }
            images[key] = made
        }
        return made
    }
}
