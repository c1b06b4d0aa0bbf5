import Foundation
import KioskCore
import KioskDevices

/// What installers print and look at: a sample ticket, and a chart of every Vietnamese letter.
public enum TestPrint {
    /// A ticket as the config would print it: the first service's fifteenth number.
    public static func sampleTicket(_ config: KioskConfig, renderer: TicketRenderer, at now: Date = Date()) -> [UInt8] {
        let service = config.rules.services[0]
        let number = service.number(forSequence: 15)
        let ticket = Ticket(
            id: TicketID(1), day: LocalDay(now, in: config.timeZone), service: service.code, sequence: 15,
            number: number, display: service.display(number: number), priority: false, issuedAt: now)
        return renderer.render(ticket, serviceName: service.name, waitingAhead: 4)
    }

    /// The profile's settings, then every Vietnamese letter in lower case and capitals, in the
    /// profile's text mode: what the printer really shows is what the installer checks.
    public static func chart(profile: PrinterProfile, rasterizer: TextRasterizer?) -> [UInt8] {
        let letters = TCVN3.letters
        let lower = String(letters.prefix(67))
        let upper = String(letters.suffix(67))
        func chunks(_ s: String) -> [String] {
            stride(from: 0, to: s.count, by: 17).map { String(s.dropFirst($0).prefix(17)).map(String.init).joined(separator: " ") }
        }
        let lines =
            ["KIỂM TRA MÁY IN", "Máy: \(profile.name), \(profile.widthDots) chấm, chữ: \(profile.textMode.rawValue)"]
            + chunks(lower) + chunks(upper) + ["0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Tiếng Việt có dấu: Được, Hưởng, Quầy số 3"]
        var doc = EscPosDocument(textEncoding: profile.textEncoding)
        doc.initialise()
        if profile.cancelChineseMode { doc.cancelChineseMode() }
        doc.align(.center)
        if profile.textMode == .raster, let rasterizer {
            var image = MonoBitmap(width: profile.widthDots, height: 0)
            for (index, line) in lines.enumerated() {
                image.append(rasterizer.render(line, width: profile.widthDots, pixels: index == 0 ? 34 : 26, bold: index == 0))
            }
            doc.raster(image)
        } else {
            for line in lines { doc.line(line) }
        }
        doc.feed(lines: 3)
        doc.cut(profile.cut)
        return doc.bytes
    }
}
