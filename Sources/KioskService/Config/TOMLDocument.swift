import Foundation

/// A TOML value with the line it was written on, so that every config error can name it.
public indirect enum TOMLValue {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([TOMLEntry])
    case table(TOMLTable)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .bool: "true or false"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

public struct TOMLEntry {
    public let value: TOMLValue
    public let line: Int
}

/// A table in file order. A class, because `[a.b]` headers reopen tables made earlier.
public final class TOMLTable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLEntry] = [:]
    /// The line of the header (or key) that opened it.
    public let line: Int
    /// Made implicitly by a dotted key or header: may still be defined explicitly once.
    var implicit = false
    /// Made by an inline table `{ ... }`: closed to later additions.
    var sealed = false

    init(line: Int) { self.line = line }

    /// `[[key]]` sections, kept apart while the file is read so each adds in place.
    private var tableArrays: [String: (line: Int, items: [TOMLEntry])] = [:]

    public subscript(key: String) -> TOMLEntry? {
        if let array = tableArrays[key] { return TOMLEntry(value: .array(array.items), line: array.line) }
        return values[key]
    }

    func set(_ key: String, _ entry: TOMLEntry) {
        if values[key] == nil && tableArrays[key] == nil { keys.append(key) }
        values[key] = entry
    }

    /// Adds a table to the array of tables under `key` in place (a copy per `[[x]]` header
    /// would make a long file quadratic). False when `key` holds something else.
    func appendTable(_ key: String, _ element: TOMLTable, line: Int) -> Bool {
        let entry = TOMLEntry(value: .table(element), line: line)
        if tableArrays[key] != nil {
            tableArrays[key]!.items.append(entry)
            return true
        }
        guard values[key] == nil else { return false }
        keys.append(key)
        tableArrays[key] = (line, [entry])
        return true
    }
}

/// A syntax error, with its line.
public struct TOMLSyntaxError: Error {
    public let line: Int
    public let message: String
}

/// A TOML 1.0 reader for configuration files: tables, arrays of tables, dotted keys, strings
/// (basic, literal and multi-line), integers, floats, booleans, arrays and inline tables.
/// Dates and times are refused with a clear message (the config has no use for them).
/// Bounded: a file over `maxBytes`, values nested deeper than `maxDepth` or keys with more
/// than `maxDepth` parts are refused, so no file can exhaust the stack or the memory.
public struct TOMLParser {
    public static let maxBytes = 1 << 20
    public static let maxDepth = 32

    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var depth = 0

    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        guard text.utf8.count <= maxBytes else {
            throw TOMLSyntaxError(line: 0, message: "the file is larger than \(maxBytes / 1024) KiB: a configuration is a few KiB")
        }
        var parser = TOMLParser(s: Array(text.unicodeScalars))
        return try parser.document()
    }

    private init(s: [Unicode.Scalar]) { self.s = s }

    private var atEnd: Bool { i >= s.count }
    private var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    private func fail(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(line: line, message: message) }

    private mutating func advance() {
        if s[i] == "\n" { line += 1 }
        i += 1
    }

    private mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { advance() }
    }

    /// Spaces, comments and newlines (inside arrays).
    private mutating func skipBlank() {
        while let c = peek {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                advance()
            } else if c == "#" {
                while let d = peek, d != "\n" { advance() }
            } else {
                break
            }
        }
    }

    private mutating func endOfLine() throws(TOMLSyntaxError) {
        skipSpaces()
        if peek == "#" { while let c = peek, c != "\n" { advance() } }
        if peek == "\r" { advance() }
        guard atEnd || peek == "\n" else { throw fail("unexpected text after the value: one key = value per line") }
        if !atEnd { advance() }
    }

    private mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        let root = TOMLTable(line: 1)
        var current = root
        while true {
            skipBlank()
            guard let c = peek else { return root }
            if c == "[" {
                let headerLine = line
                advance()
                let isArray = peek == "["
                if isArray { advance() }
                skipSpaces()
                let path = try keyPath()
                skipSpaces()
                guard peek == "]" else { throw fail("expected ] to close the table header") }
                advance()
                if isArray {
                    guard peek == "]" else { throw fail("expected ]] to close the array-of-tables header") }
                    advance()
                }
                current = try openTable(root, path, arrayElement: isArray, line: headerLine)
                try endOfLine()
            } else {
                try keyValue(into: current)
                try endOfLine()
            }
        }
    }

    private func openTable(_ root: TOMLTable, _ path: [String], arrayElement: Bool, line: Int) throws(TOMLSyntaxError) -> TOMLTable {
        var table = root
        for key in path.dropLast() {
            table = try descend(table, key, line: line)
        }
        let last = path.last!
        if arrayElement {
            let element = TOMLTable(line: line)
            guard table.appendTable(last, element, line: line) else {
                throw TOMLSyntaxError(line: line, message: "\(last) is already defined on line \(table[last]?.line ?? line)")
            }
            return element
        }
        if let existing = table[last] {
            guard case .table(let t) = existing.value, t.implicit, !t.sealed else {
                throw TOMLSyntaxError(line: line, message: "[\(path.joined(separator: "."))] is already defined on line \(existing.line)")
            }
            t.implicit = false
            return t
        }
        let made = TOMLTable(line: line)
        table.set(last, TOMLEntry(value: .table(made), line: line))
        return made
    }

    /// The table under `key`, made implicitly if missing; into the last element of an array of tables.
    private func descend(_ table: TOMLTable, _ key: String, line: Int) throws(TOMLSyntaxError) -> TOMLTable {
        if let existing = table[key] {
            switch existing.value {
            case .table(let t) where !t.sealed: return t
            case .array(let items):
                if let last = items.last, case .table(let t) = last.value { return t }
                fallthrough
            default:
                throw TOMLSyntaxError(line: line, message: "\(key) is already defined on line \(existing.line) as a value, not a table")
            }
        }
        let made = TOMLTable(line: line)
        made.implicit = true
        table.set(key, TOMLEntry(value: .table(made), line: line))
        return made
    }

    private mutating func keyValue(into table: TOMLTable) throws(TOMLSyntaxError) {
        let keyLine = line
        let path = try keyPath()
        skipSpaces()
        guard peek == "=" else { throw fail("expected = after the key \(path.joined(separator: "."))") }
        advance()
        skipSpaces()
        let value = try self.value()
        var target = table
        for key in path.dropLast() { target = try descend(target, key, line: keyLine) }
        let last = path.last!
        if let existing = target[last] {
            throw TOMLSyntaxError(line: keyLine, message: "\(path.joined(separator: ".")) is already defined on line \(existing.line)")
        }
        target.set(last, TOMLEntry(value: value, line: keyLine))
    }

    private mutating func keyPath() throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard parts.count < Self.maxDepth else { throw fail("a key of more than \(Self.maxDepth) dotted parts") }
            parts.append(try simpleKey())
            skipSpaces()
            guard peek == "." else { return parts }
            advance()
        }
    }

    private mutating func simpleKey() throws(TOMLSyntaxError) -> String {
        if peek == "\"" { return try basicString() }
        if peek == "'" { return try literalString() }
        var key = ""
        while let c = peek,
            ("a"..."z").contains(c) || ("A"..."Z").contains(c)
                || c == "_" || c == "-" || ("0"..."9").contains(c)
        {
            key.unicodeScalars.append(c)
            advance()
        }
        guard !key.isEmpty else { throw fail("expected a key name (letters, digits, _ or -, or a \"quoted key\")") }
        return key
    }

    private mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
        guard let c = peek else { throw fail("expected a value") }
        if c == "[" || c == "{" {
            guard depth < Self.maxDepth else { throw fail("values nested more than \(Self.maxDepth) deep") }
            depth += 1
        }
        defer { if c == "[" || c == "{" { depth -= 1 } }
        switch c {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { return .string(try multilineBasicString()) }
            return .string(try basicString())
        case "'":
            if peek(1) == "'" && peek(2) == "'" { return .string(try multilineLiteralString()) }
            return .string(try literalString())
        case "[": return .array(try array())
        case "{": return .table(try inlineTable())
        default: return try bareValue()
        }
    }

    private mutating func bareValue() throws(TOMLSyntaxError) -> TOMLValue {
        var text = ""
        while let c = peek, !(c == " " || c == "\t" || c == "\n" || c == "\r" || c == "," || c == "]" || c == "}" || c == "#") {
            text.unicodeScalars.append(c)
            advance()
        }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text.isEmpty { throw fail("expected a value") }
        let digits = text.replacingOccurrences(of: "_", with: "")
        if text.hasPrefix("0x"), let v = Int(digits.dropFirst(2), radix: 16) { return .integer(v) }
        let unsigned = digits.hasPrefix("+") || digits.hasPrefix("-") ? String(digits.dropFirst()) : digits
        if let v = Int(digits), unsigned == "0" || !unsigned.hasPrefix("0") { return .integer(v) }
        if ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(text) {
            return .float(text.hasSuffix("nan") ? .nan : (text.hasPrefix("-") ? -.infinity : .infinity))
        }
        if let v = Double(digits), digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(v) }
        if text.first?.isNumber == true && (text.contains("-") || text.contains(":")) {
            throw fail("dates and times are not used in this file: write \(text) as a \"string\"")
        }
        throw fail("\(text) is not a value: text must be in \"double quotes\"")
    }

    private mutating func basicString() throws(TOMLSyntaxError) -> String {
        advance()
        var out = ""
        while true {
            guard let c = peek, c != "\n" else { throw fail("a string is not closed with \" on its line") }
            advance()
            if c == "\"" { return out }
            if c == "\\" { out.unicodeScalars.append(try escape()) } else { out.unicodeScalars.append(c) }
        }
    }

    private mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
        advance()
        advance()
        advance()
        if peek == "\n" {
            advance()
        } else if peek == "\r" && peek(1) == "\n" {
            advance()
            advance()
        }
        var out = ""
        while true {
            guard let c = peek else { throw fail("a \"\"\" string is never closed") }
            if c == "\"" && peek(1) == "\"" && peek(2) == "\"" {
                advance()
                advance()
                advance()
                return out
            }
            advance()
            if c == "\\" {
                if let n = peek, n == "\n" || n == " " || n == "\t" || n == "\r" {
                    skipBlank()
                } else {
                    out.unicodeScalars.append(try escape())
                }
            } else {
                out.unicodeScalars.append(c)
            }
        }
    }

    private mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        guard let e = peek else { throw fail("a string ends inside an escape") }
        advance()
        switch e {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "b": return "\u{8}"
        case "f": return "\u{C}"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = e == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let h = peek, h.properties.isASCIIHexDigit else { throw fail("\\\(e) needs \(count) hex digits") }
                hex.unicodeScalars.append(h)
                advance()
            }
            guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw fail("\\\(e)\(hex) is not a character") }
            return scalar
        default:
            throw fail("\\\(e) is not an escape TOML knows: write \\\\ for a backslash")
        }
    }

    private mutating func literalString() throws(TOMLSyntaxError) -> String {
        advance()
        var out = ""
        while true {
            guard let c = peek, c != "\n" else { throw fail("a string is not closed with ' on its line") }
            advance()
            if c == "'" { return out }
            out.unicodeScalars.append(c)
        }
    }

    private mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
        advance()
        advance()
        advance()
        if peek == "\n" { advance() }
        var out = ""
        while true {
            guard let c = peek else { throw fail("a ''' string is never closed") }
            if c == "'" && peek(1) == "'" && peek(2) == "'" {
                advance()
                advance()
                advance()
                return out
            }
            advance()
            out.unicodeScalars.append(c)
        }
    }

    private mutating func array() throws(TOMLSyntaxError) -> [TOMLEntry] {
        advance()
        var items: [TOMLEntry] = []
        while true {
            skipBlank()
            if peek == "]" {
                advance()
                return items
            }
            let itemLine = line
            items.append(TOMLEntry(value: try value(), line: itemLine))
            skipBlank()
            if peek == "," {
                advance()
                continue
            }
            guard peek == "]" else { throw fail("expected , or ] in the array") }
        }
    }

    private mutating func inlineTable() throws(TOMLSyntaxError) -> TOMLTable {
        let table = TOMLTable(line: line)
        advance()
        skipSpaces()
        if peek == "}" {
            advance()
            table.sealed = true
            return table
        }
        while true {
            skipSpaces()
            try keyValue(into: table)
            skipSpaces()
            if peek == "," {
                advance()
                continue
            }
            guard peek == "}" else { throw fail("expected , or } in the inline table (it must stay on one line)") }
            advance()
            table.sealed = true
            return table
        }
    }
}
