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
        let time = LocalTimeFormatter(timeZone)
        func line(_ cells: [String]) { writer.write(cells.map(SatisfactionReport.csvCell).joined(separator: ",") + "\r\n") }
        switch kind {
        case .tickets:
            line(["Mã phiếu", "Ngày", "Dịch vụ", "Số", "Ưu tiên", "Trạng thái", "Quầy", "Cán bộ", "Giờ lấy số", "Giờ gọi",
                  "Giờ kết thúc", "Chờ (giây)", "Phục vụ (giây)", "Kết quả", "Số lần gọi lại", "Số lần chuyển", "Chưa in"])
            try database.forEachTicket(filter) { t in
                line([String(t.id), t.day, t.service, t.number, t.priority ? "1" : "0", t.status, t.counter.map(String.init) ?? "",
                      t.officer ?? "", time.format(t.issuedAt), t.calledAt.map(time.format) ?? "", t.finishedAt.map(time.format) ?? "",
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

/// `2026-11-27 08:15:03` in the centre's time zone, fast (no DateFormatter per row).
struct LocalTimeFormatter {
    var calendar: Calendar

    init(_ timeZone: TimeZone) {
        calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
    }

    func format(_ seconds: Double) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }
}
