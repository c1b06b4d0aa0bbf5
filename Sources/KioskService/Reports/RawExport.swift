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

    /// One column of a raw export: its header (CSV, Vietnamese), its key (JSON) and how its
    /// cell is written from a row. A table of these is the only description of an export's
    /// columns, so a header and its values cannot drift apart.
    struct Column<Row>: Sendable {
        let header: String
        let key: String
        let write: @Sendable (inout RowWriter, Row) -> Void

        init(_ header: String, _ key: String, _ write: @escaping @Sendable (inout RowWriter, Row) -> Void) {
            self.header = header
            self.key = key
            self.write = write
        }
    }

    // Ids and codes are text in every format (JSON `"id": "123"`): an id is a name, not a quantity.
    static let ticketColumns: [Column<TicketExportRow>] = [
        .init("Mã phiếu", "id") { $0.text(String($1.id)) },
        .init("Ngày", "day") { $0.text($1.day) },
        .init("Dịch vụ", "service") { $0.text($1.service) },
        .init("Số", "number") { $0.text($1.number) },
        .init("Ưu tiên", "priority") { $0.yesNo($1.priority) },
        .init("Trạng thái", "status") { $0.text($1.status) },
        .init("Quầy", "counter") { $0.int($1.counter) },
        .init("Cán bộ", "officer") { $0.text($1.officer) },
        .init("Giờ lấy số", "issued_at") { $0.time($1.issuedAt) },
        .init("Giờ gọi", "called_at") { $0.time($1.calledAt) },
        .init("Giờ kết thúc", "finished_at") { $0.time($1.finishedAt) },
        .init("Chờ (giây)", "wait_seconds") { w, t in w.int(t.calledAt.map { Int(($0 - t.issuedAt).rounded()) }) },
        .init("Phục vụ (giây)", "service_seconds") { w, t in w.int(t.calledAt.flatMap { c in t.finishedAt.map { Int(($0 - c).rounded()) } })
        },
        .init("Kết quả", "outcome") { $0.text($1.outcome) },
        .init("Số lần gọi lại", "recalls") { $0.int($1.recalls) },
        .init("Số lần chuyển", "transfers") { $0.int($1.transfers) },
        .init("In phiếu", "print") { $0.text($1.printState) },
        .init("Lý do (in phiếu)", "print_reason") { $0.text($1.printReason) },
        .init("Mã hồ sơ", "dossiers") { $0.text($1.dossiers) },
    ]

    static let ratingColumns: [Column<RatingExportRow>] = [
        .init("Mã đánh giá", "id") { $0.text(String($1.id)) },
        .init("Ngày", "day") { $0.text($1.day) },
        .init("Giờ", "at") { $0.time($1.at) },
        .init("Quầy", "counter") { $0.int($1.counter) },
        .init("Số phiếu", "ticket") { $0.text($1.ticket) },
        .init("Dịch vụ", "service") { $0.text($1.service) },
        .init("Cán bộ", "officer") { $0.text($1.officer) },
        .init("Mức", "level") { $0.int($1.level) },
        .init("Nhãn", "label") { $0.text($1.label) },
        .init("Thang", "scale_size") { $0.int($1.scaleSize) },
        .init("Hài lòng", "satisfied") { $0.yesNo($1.satisfied) },
        .init("Cờ", "flag") { $0.text($1.flag) },
        .init("Lý do", "reason") { $0.text($1.reason) },
        .init("Mã hồ sơ", "dossiers") { $0.text($1.dossiers) },
    ]

    static let dossierColumns: [Column<DossierExportRow>] = [
        .init("Mã hồ sơ", "dossier") { $0.text($1.code) },
        .init("Số phiếu", "ticket") { $0.text($1.ticket) },
        .init("Cán bộ", "officer") { $0.text($1.officer) },
        .init("Quầy", "counter") { $0.int($1.counter) },
        .init("Dịch vụ", "service") { $0.text($1.service) },
        .init("Giờ", "at") { $0.time($1.at) },
        .init("Mức", "level") { $0.int($1.level) },
        .init("Nhãn", "label") { $0.text($1.label) },
        .init("Lý do", "reason") { $0.text($1.reason) },
    ]

    public static func write(
        _ kind: Kind, as format: Format = .csv, database: KioskDatabase, filter: ExportFilter,
        timeZone: TimeZone, to out: FileHandle
    ) throws {
        switch kind {
        case .tickets:
            try write(ticketColumns, format: format, timeZone: timeZone, to: out) { try database.forEachTicket(filter, $0) }
        case .ratings:
            try write(ratingColumns, format: format, timeZone: timeZone, to: out) { try database.forEachRating(filter, $0) }
        case .dossiers:
            try write(dossierColumns, format: format, timeZone: timeZone, to: out) { try database.forEachDossier(filter, $0) }
        }
    }

    /// Every row `rows` gives, each cell written by its column.
    private static func write<Row>(
        _ columns: [Column<Row>], format: Format, timeZone: TimeZone, to out: FileHandle,
        rows: ((Row) throws -> Void) throws -> Void
    ) throws {
        var w = RowWriter(out, format: format, headers: columns.map(\.header), keys: columns.map(\.key), timeZone: timeZone)
        try rows { row in
            for column in columns { column.write(&w, row) }
            w.endRow()
        }
        w.finish()
    }
}

/// Writes rows cell by cell into a byte buffer and the buffer to the file in 64 KiB pieces.
/// Bytes, not `Data`: appending to `Data` cost more than reading the rows from SQLite.
struct RowWriter {
    private let handle: FileHandle
    private let format: RawExport.Format
    /// JSON: `"key":` for each column, ready to copy.
    private let keys: [[UInt8]]
    private var buffer: [UInt8] = []
    private var column = 0
    private var rows = 0
    private var clock: LocalTimeFormatter

    init(_ handle: FileHandle, format: RawExport.Format, headers: [String], keys: [String], timeZone: TimeZone) {
        self.handle = handle
        self.format = format
        self.keys = keys.map { Array("\"\($0)\":".utf8) }
        clock = LocalTimeFormatter(timeZone)
        buffer.reserveCapacity(1 << 17)
        switch format {
        case .csv:
            buffer += [0xEF, 0xBB, 0xBF]  // byte-order mark: Excel then reads UTF-8
            for header in headers { text(header) }
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
