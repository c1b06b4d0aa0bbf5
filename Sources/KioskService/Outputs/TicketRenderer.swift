import Foundation
import KioskCore
import KioskDevices

/// Lays a ticket out as ESC/POS: what the citizen takes away. Big number, service, people
/// waiting ahead, date and time, in the centre's words.
public struct TicketRenderer: Sendable {
    public let centreName: String
    public let layout: TicketLayout
    public let timeZone: TimeZone
    public let text: PrinterTextEncoding

    public init(centreName: String, layout: TicketLayout, timeZone: TimeZone, text: PrinterTextEncoding) {
        self.centreName = centreName
        self.layout = layout
        self.timeZone = timeZone
        self.text = text
    }

    public func render(_ ticket: Ticket, serviceName: String, waitingAhead: Int) -> [UInt8] {
        var doc = EscPosDocument(textEncoding: text)
        doc.initialise()
        doc.align(.center)
        doc.bold(true)
        doc.line(centreName)
        doc.bold(false)
        doc.feed(lines: 1)
        doc.size(width: 2, height: 1)
        doc.line(layout.title)
        doc.size(width: 4, height: 4)
        doc.bold(true)
        doc.line(ticket.display)
        doc.bold(false)
        doc.size(width: 1, height: 1)
        if ticket.priority { doc.line("*** ƯU TIÊN ***") }
        doc.size(width: 1, height: 2)
        doc.line(serviceName)
        doc.size(width: 1, height: 1)
        doc.line("Số người đang chờ trước bạn: \(waitingAhead)")
        doc.line(Self.dateTime(ticket.issuedAt, timeZone))
        doc.feed(lines: 1)
        for line in layout.footer { doc.line(line) }
        doc.feed(lines: 3)
        doc.feedAndCut()
        return doc.bytes
    }

    /// `26/11/2026 08:15`, the way dates are written in Vietnam.
    static func dateTime(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", p.day!, p.month!, p.year!, p.hour!, p.minute!)
    }
}
