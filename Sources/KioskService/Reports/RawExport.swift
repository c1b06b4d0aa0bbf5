import Foundation
import KioskCore
import KioskStore

/// The raw rows behind the reports: tickets with all their times, ratings with their flags,
/// dossiers with their ticket and its rating.
/// Written as they are read, through a small buffer, so a year of a busy centre exports in
/// flat memory.
public enum RawExport {
    public enum Kind: String, Sendable, CaseIterable {
        case tickets, ratings, dossiers
    }

    /// CSV for Excel (Vietnamese headers) or JSON (an array of objects with English keys).
    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    static let ticketColumns: [RowWriter.Column] = [
        .init("Mã phiếu", "id"), .init("Ngày", "day"), .init("Dịch vụ", "service"), .init("Số", "number"),
        .init("Ưu tiên", "priority"), .init("Trạng thái", "status"), .init("Quầy", "counter"), .init("Cán bộ", "officer"),
        .init("Giờ lấy số", "issued_at"), .init("Giờ gọi", "called_at"), .init("Giờ kết thúc", "finished_at"),
        .init("Chờ (giây)", "wait_seconds"), .init("Phục vụ (giây)", "service_seconds"), .init("Kết quả", "outcome"),
        .init("Số lần gọi lại", "recalls"), .init("Số lần chuyển", "transfers"), .init("In phiếu", "print"),
        .init("Lý do (in phiếu)", "print_reason"), .init("Mã hồ sơ", "dossiers"),
    ]

    static let ratingColumns: [RowWriter.Column] = [
        .init("Mã đánh giá", "id"), .init("Ngày", "day"), .init("Giờ", "at"), .init("Quầy", "counter"),
        .init("Số phiếu", "ticket"), .init("Dịch vụ", "service"), .init("Cán bộ", "officer"), .init("Mức", "level"),
        .init("Nhãn", "label"), .init("Thang", "scale_size"), .init("Hài lòng", "satisfied"), .init("Cờ", "flag"),
        .init("Lý do", "reason"), .init("Mã hồ sơ", "dossiers"),
    ]

    static let dossierColumns: [RowWriter.Column] = [
        .init("Mã hồ sơ", "dossier"), .init("Số phiếu", "ticket"), .init("Cán bộ", "officer"), .init("Quầy", "counter"),
        .init("Dịch vụ", "service"), .init("Giờ", "at"), .init("Mức", "level"), .init("Nhãn", "label"), .init("Lý do", "reason"),
    ]

    public static func write(_ kind: Kind, as format: Format = .csv, database: KioskDatabase, filter: ExportFilter,
                             timeZone: TimeZone, to out: FileHandle) throws {
        switch kind {
        case .tickets:
            var w = RowWriter(out, format: format, columns: ticketColumns, timeZone: timeZone)
            try database.forEachTicket(filter) { t in
                // Ids and codes are text in every format (JSON `"id": "123"`): an id is a name, not a quantity.
                w.text(String(t.id)); w.text(t.day); w.text(t.service); w.text(t.number); w.yesNo(t.priority); w.text(t.status)
                w.int(t.counter); w.text(t.officer); w.time(t.issuedAt); w.time(t.calledAt); w.time(t.finishedAt)
                w.int(t.calledAt.map { Int(($0 - t.issuedAt).rounded()) })
                w.int(t.calledAt.flatMap { c in t.finishedAt.map { Int(($0 - c).rounded()) } })
                w.text(t.outcome); w.int(t.recalls); w.int(t.transfers); w.text(t.printState); w.text(t.printReason)
                w.text(t.dossiers)
                w.endRow()
            }
            w.finish()
        case .ratings:
            var w = RowWriter(out, format: format, columns: ratingColumns, timeZone: timeZone)
            try database.forEachRating(filter) { r in
                w.text(String(r.id)); w.text(r.day); w.time(r.at); w.int(r.counter); w.text(r.ticket); w.text(r.service)
                w.text(r.officer); w.int(r.level); w.text(r.label); w.int(r.scaleSize); w.yesNo(r.satisfied); w.text(r.flag)
                w.text(r.reason); w.text(r.dossiers)
                w.endRow()
            }
            w.finish()
        case .dossiers:
            var w = RowWriter(out, format: format, columns: dossierColumns, timeZone: timeZone)
            try database.forEachDossier(filter) { d in
                w.text(d.code); w.text(d.ticket); w.text(d.officer); w.int(d.counter); w.text(d.service); w.time(d.at)
                w.int(d.level); w.text(d.label); w.text(d.reason)
                w.endRow()
            }
            w.finish()
        }
    }
}

/// Writes rows cell by cell into a byte buffer and the buffer to the file in 64 KiB pieces.
/// Bytes, not `Data`: appending to `Data` cost more than reading the rows from SQLite.
struct RowWriter {
    struct Column {
        var header: String
        var key: String
        init(_ header: String, _ key: String) {
            self.header = header
            self.key = key
        }
    }

    private let handle: FileHandle
    private let format: RawExport.Format
    /// JSON: `"key":` for each column, ready to copy.
    private let keys: [[UInt8]]
    private var buffer: [UInt8] = []
    private var column = 0
    private var rows = 0
    private var clock: LocalTimeFormatter

    init(_ handle: FileHandle, format: RawExport.Format, columns: [Column], timeZone: TimeZone) {
        self.handle = handle
        self.format = format
        keys = columns.map { Array("\"\($0.key)\":".utf8) }
        clock = LocalTimeFormatter(timeZone)
        buffer.reserveCapacity(1 << 17)
        switch format {
        case .csv:
            buffer += [0xEF, 0xBB, 0xBF]  // byte-order mark: Excel then reads UTF-8
            for c in columns { text(c.header) }
            endRow()
            rows = 0
        case .json:
            buffer.append(UInt8(ascii: "["))
        }
    }

    private mutating func beginCell() {
        switch format {
        case .csv:
            if column > 0 { buffer.append(UInt8(ascii: ",")) }
        case .json:
            if column == 0 {
                if rows > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer += [0x0A, UInt8(ascii: "{")]
            } else {
                buffer.append(UInt8(ascii: ","))
            }
            buffer += keys[column]
        }
        column += 1
    }

    private mutating func null() {
        if format == .json { buffer += Array("null".utf8) }
    }

    mutating func text(_ value: String?) {
        beginCell()
        guard let value else { return null() }
        switch format {
        case .csv:
            buffer += SatisfactionReport.csvCell(value).utf8
        case .json:
            buffer.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer += [UInt8(ascii: "\\"), byte]
                case 0..<0x20: buffer += Array(String(format: "\\u%04x", byte).utf8)
                default: buffer.append(byte)
                }
            }
            buffer.append(UInt8(ascii: "\""))
        }
    }

    mutating func int(_ value: Int?) {
        beginCell()
        guard let value else { return null() }
        buffer += String(value).utf8
    }

    /// Yes/no as 1/0 in CSV (Excel sums them), true/false in JSON.
    mutating func yesNo(_ value: Bool) {
        beginCell()
        switch format {
        case .csv: buffer.append(value ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        case .json: buffer += value ? Array("true".utf8) : Array("false".utf8)
        }
    }

    /// A moment as local `YYYY-MM-DD HH:MM:SS` in the centre's time zone.
    mutating func time(_ seconds: Double?) {
        beginCell()
        guard let seconds else { return null() }
        if format == .json { buffer.append(UInt8(ascii: "\"")) }
        clock.append(seconds, to: &buffer)
        if format == .json { buffer.append(UInt8(ascii: "\"")) }
    }

    mutating func endRow() {
        switch format {
        case .csv: buffer += [0x0D, 0x0A]
        case .json: buffer.append(UInt8(ascii: "}"))
        }
        column = 0
        rows += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func finish() {
        if format == .json { buffer += [0x0A, UInt8(ascii: "]"), 0x0A] }
        flush()
    }

    private mutating func flush() {
        buffer.withUnsafeBytes { handle.write(Data($0)) }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// `2026-11-27 08:15:03` in the centre's time zone, fast: the zone's offset and the date
/// are worked out once per day, the time of day by arithmetic.
struct LocalTimeFormatter {
    let timeZone: TimeZone
    /// Local day number (days since 1970 in local time) → its date's bytes.
    private var dates: [Int: [UInt8]] = [:]
    private var offsetHour = Int.min
    private var offset = 0

    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    mutating func append(_ seconds: Double, to out: inout [UInt8]) {
        let whole = Int(seconds.rounded(.down))
        // Offsets change at most on the hour (daylight saving, where there is any).
        if whole / 3600 != offsetHour {
            offsetHour = whole / 3600
            offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(whole)))
        }
        let local = whole + offset
        let dayNumber = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let inDay = local - dayNumber * 86400
        if let known = dates[dayNumber] {
            out += known
        } else {
            let date = Array(LocalDay(Date(timeIntervalSince1970: Double(dayNumber * 86400)), in: TimeZone(secondsFromGMT: 0)!).iso.utf8)
            dates[dayNumber] = date
            out += date
        }
        func two(_ n: Int) {
            out.append(UInt8(ascii: "0") + UInt8(n / 10))
            out.append(UInt8(ascii: "0") + UInt8(n % 10))
        }
        out.append(UInt8(ascii: " "))
        two(inDay / 3600)
        out.append(UInt8(ascii: ":"))
        two(inDay / 60 % 60)
        out.append(UInt8(ascii: ":"))
        two(inDay % 60)
    }
}
