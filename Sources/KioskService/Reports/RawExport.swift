import Foundation
import KioskCore
import KioskStore

/// The raw rows behind the reports: tickets with all their times, ratings with their flags.
/// Written as they are read, through a small buffer, so a year of a busy centre exports in
/// flat memory.
public enum RawExport {
    public enum Kind: String, Sendable, CaseIterable {
        case tickets, ratings
    }

    public static func csv(_ kind: Kind, database: KioskDatabase, filter: ExportFilter, timeZone: TimeZone, to out: FileHandle) throws {
        var writer = BufferedWriter(out)
        writer.write("\u{FEFF}")
        var time = LocalTimeFormatter(timeZone)
        func line(_ cells: [String]) { writer.write(cells.map(SatisfactionReport.csvCell).joined(separator: ",") + "\r\n") }
        switch kind {
        case .tickets:
            line(["Mã phiếu", "Ngày", "Dịch vụ", "Số", "Ưu tiên", "Trạng thái", "Quầy", "Cán bộ", "Giờ lấy số", "Giờ gọi",
                  "Giờ kết thúc", "Chờ (giây)", "Phục vụ (giây)", "Kết quả", "Số lần gọi lại", "Số lần chuyển", "Chưa in"])
            try database.forEachTicket(filter) { t in
                line([String(t.id), t.day, t.service, t.number, t.priority ? "1" : "0", t.status, t.counter.map(String.init) ?? "",
                      t.officer ?? "", time.format(t.issuedAt), t.calledAt.map { time.format($0) } ?? "",
                      t.finishedAt.map { time.format($0) } ?? "",
                      t.calledAt.map { String(Int(($0 - t.issuedAt).rounded())) } ?? "",
                      t.calledAt.flatMap { c in t.finishedAt.map { String(Int(($0 - c).rounded())) } } ?? "",
                      t.outcome ?? "", String(t.recalls), String(t.transfers), t.unprinted ? "1" : "0"])
            }
        case .ratings:
            line(["Mã đánh giá", "Ngày", "Giờ", "Quầy", "Số phiếu", "Dịch vụ", "Cán bộ", "Mức", "Nhãn", "Thang", "Hài lòng", "Cờ"])
            try database.forEachRating(filter) { r in
                line([String(r.id), r.day, time.format(r.at), String(r.counter), r.ticket ?? "", r.service ?? "", r.officer ?? "",
                      String(r.level), r.label, String(r.scaleSize), r.satisfied ? "1" : "0", r.flag ?? ""])
            }
        }
        writer.flush()
    }
}

/// Collects output and writes it in 64 KiB pieces.
struct BufferedWriter {
    let handle: FileHandle
    var buffer = Data()

    init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// `2026-11-27 08:15:03` in the centre's time zone, fast: the zone's offset and the date
/// are worked out once per day, the time of day by arithmetic.
struct LocalTimeFormatter {
    let timeZone: TimeZone
    var calendar: Calendar
    /// Local day number (days since 1970 in local time) → its date text.
    private var dates: [Int: String] = [:]
    private var offsetHour = Int.min
    private var offset = 0

    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
    }

    mutating func format(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        // Offsets change at most on the hour (daylight saving, where there is any).
        if whole / 3600 != offsetHour {
            offsetHour = whole / 3600
            offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(whole)))
        }
        let local = whole + offset
        let dayNumber = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let inDay = local - dayNumber * 86400
        let date: String
        if let known = dates[dayNumber] {
            date = known
        } else {
            date = LocalDay(Date(timeIntervalSince1970: Double(dayNumber * 86400)), in: TimeZone(identifier: "UTC")!).iso
            dates[dayNumber] = date
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(date) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))"
    }
}
