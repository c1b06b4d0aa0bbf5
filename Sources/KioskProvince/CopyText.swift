import NIOCore

/// Rows in PostgreSQL's COPY text format: tab between columns, `\N` for NULL, a line per row.
struct CopyText {
    private(set) var text = ""

    mutating func row(_ cells: [String?]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { text.append("\t") }
            guard let cell else {
                text.append("\\N")
                continue
            }
            if cell.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                for c in cell.unicodeScalars {
                    switch c {
                    case "\\": text.append("\\\\")
                    case "\t": text.append("\\t")
                    case "\n": text.append("\\n")
                    case "\r": text.append("\\r")
                    default: text.unicodeScalars.append(c)
                    }
                }
            } else {
                text.append(cell)
            }
        }
        text.append("\n")
    }

    var buffer: ByteBuffer { ByteBuffer(string: text) }
}

extension Optional where Wrapped: CustomStringConvertible {
    /// The value as COPY text, nil staying NULL.
    var cell: String? { map(\.description) }
}

extension Bool {
    var cell: String { self ? "t" : "f" }
}
