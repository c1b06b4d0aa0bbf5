import Foundation
import KioskRuntime

/// A minimal Office Open XML workbook: one sheet per table, text as inline strings, numbers
/// as numbers, written as a ZIP with stored (uncompressed) entries. Excel and LibreOffice open
/// it; no library needed.
public enum XLSXWriter {
    public struct Sheet {
        public var name: String
        /// Rows of cells; the first is the header.
        public var rows: [[String]]
        /// Columns that hold names, ids and codes: always text, so an officer `007` or `1e3`
        /// stays what it is. In the other columns a plain decimal is written as a number.
        public var textColumns: Set<Int>

        public init(name: String, rows: [[String]], textColumns: Set<Int>) {
            self.name = name
            self.rows = rows
            self.textColumns = textColumns
        }
    }

    public static func workbook(_ sheets: [Sheet]) -> Data {
        var zip = ZipArchive()
        let overrides = sheets.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        zip.add(
            "[Content_Types].xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            \(overrides)</Types>
            """)
        zip.add(
            "_rels/.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        let sheetList = sheets.enumerated().map { i, sheet in
            "<sheet name=\"\(escape(String(sheet.name.prefix(31))))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }.joined()
        zip.add(
            "xl/workbook.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\(sheetList)</sheets></workbook>
            """)
        let relationships = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined()
        zip.add(
            "xl/_rels/workbook.xml.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relationships)</Relationships>
            """)
        for (i, sheet) in sheets.enumerated() {
            var xml =
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            for (r, row) in sheet.rows.enumerated() {
                xml += "<row r=\"\(r + 1)\">"
                for (c, value) in row.enumerated() {
                    let ref = column(c) + String(r + 1)
                    if r > 0, !sheet.textColumns.contains(c), isPlainDecimal(value) {
                        xml += "<c r=\"\(ref)\"><v>\(value)</v></c>"
                    } else if !value.isEmpty {
                        xml += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(value))</t></is></c>"
                    }
                }
                xml += "</row>"
            }
            xml += "</sheetData></worksheet>"
            zip.add("xl/worksheets/sheet\(i + 1).xml", xml)
        }
        return zip.finish()
    }

    /// A, B, … Z, AA, AB …
    static func column(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// `12`, `-3`, `66.7`: what the reports write for a number. Never `nan`, `inf`, `1e3`,
    /// `+5` or `007`, which a spreadsheet must not read as numbers.
    static func isPlainDecimal(_ value: String) -> Bool {
        var digits = Substring(value)
        if digits.first == "-" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            return false
        }
        return parts[0] == "0" || parts[0].first != "0"
    }

    /// XML text: markup escaped, and the characters XML 1.0 forbids (control characters but
    /// tab and line ends, unpaired surrogates cannot occur in Swift strings, U+FFFE, U+FFFF) left out.
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A ZIP archive with stored entries (what an .xlsx is).
struct ZipArchive {
    private var data = Data()
    private var central = Data()
    private var count = 0

    mutating func add(_ name: String, _ text: String) {
        let body = Data(text.utf8)
        let path = Data(name.utf8)
        let crc = CRC32.checksum(body)
        let offset = data.count
        func u16(_ v: Int, _ d: inout Data) { d.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)]) }
        func u32(_ v: UInt32, _ d: inout Data) { for s in stride(from: 0, to: 32, by: 8) { d.append(UInt8(v >> UInt32(s) & 0xFF)) } }
        // Local file header.
        u32(0x0403_4B50, &data)
        u16(20, &data)
        u16(0x0800, &data)
        u16(0, &data)
        u16(0, &data)
        u16(0x21, &data)
        u32(crc, &data)
        u32(UInt32(body.count), &data)
        u32(UInt32(body.count), &data)
        u16(path.count, &data)
        u16(0, &data)
        data += path + body
        // Its central directory entry.
        u32(0x0201_4B50, &central)
        u16(20, &central)
        u16(20, &central)
        u16(0x0800, &central)
        u16(0, &central)
        u16(0, &central)
        u16(0x21, &central)
        u32(crc, &central)
        u32(UInt32(body.count), &central)
        u32(UInt32(body.count), &central)
        u16(path.count, &central)
        u16(0, &central)
        u16(0, &central)
        u16(0, &central)
        u16(0, &central)
        u32(0, &central)
        u32(UInt32(offset), &central)
        central += path
        count += 1
    }

    func finish() -> Data {
        var out = data + central
        func u16(_ v: Int) { out.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)]) }
        func u32(_ v: Int) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(v >> s & 0xFF)) } }
        u32(0x0605_4B50)
        u16(0)
        u16(0)
        u16(count)
        u16(count)
        u32(central.count)
        u32(data.count)
        u16(0)
        return out
    }

}
