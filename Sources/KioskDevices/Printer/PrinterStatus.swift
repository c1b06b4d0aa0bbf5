/// What a printer said to `DLE EOT` 1, 2 and 4. Every field is nil when the printer did
/// not answer that query: no reply means unknown, never "ok".
public struct PrinterStatus: Sendable, Equatable {
    public var offline: Bool?
    public var coverOpen: Bool?
    public var paperEnd: Bool?
    public var paperNearEnd: Bool?
    public var error: Bool?

    public init(offline: Bool? = nil, coverOpen: Bool? = nil, paperEnd: Bool? = nil, paperNearEnd: Bool? = nil, error: Bool? = nil) {
        self.offline = offline
        self.coverOpen = coverOpen
        self.paperEnd = paperEnd
        self.paperNearEnd = paperNearEnd
        self.error = error
    }

    public static let unknown = PrinterStatus()

    /// The queries, in the order they are sent.
    public static let queries: [UInt8] = [1, 2, 4]

    /// A status byte is recognised by its fixed bits: `(b & 0x93) == 0x12`.
    public static func isValidReply(_ b: UInt8) -> Bool { b & 0x93 == 0x12 }

    /// Folds in the reply to query `n`.
    public mutating func record(query n: UInt8, reply b: UInt8) {
        switch n {
        case 1: offline = b & 0x08 != 0
        case 2:
            coverOpen = b & 0x04 != 0
            paperEnd = (paperEnd ?? false) || b & 0x20 != 0
            error = b & 0x40 != 0
        case 4:
            paperNearEnd = b & 0x0C != 0
            paperEnd = (paperEnd ?? false) || b & 0x60 != 0
        default: break
        }
    }

    public var answered: Bool { offline != nil || coverOpen != nil || paperEnd != nil || paperNearEnd != nil }

    /// Why a ticket cannot be printed now, in words for the log and the kiosk page; nil if
    /// nothing known prevents it.
    public var blockingReason: String? {
        if paperEnd == true { return "hết giấy (paper end)" }
        if coverOpen == true { return "nắp máy in đang mở (cover open)" }
        if offline == true { return "máy in không sẵn sàng (offline)" }
        if error == true { return "máy in báo lỗi (printer error)" }
        return nil
    }
}
