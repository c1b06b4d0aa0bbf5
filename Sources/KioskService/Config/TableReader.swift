import Foundation

/// Reads one TOML table into typed values, naming file, line and key in every error, and
/// refusing keys nobody reads (a typo must not be silently ignored).
final class TableReader {
    let table: TOMLTable
    let path: String
    let file: String
    private var used: Set<String> = []

    init(_ table: TOMLTable, path: String, file: String) {
        self.table = table
        self.path = path
        self.file = file
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: table[key]?.line ?? table.line, key: name(key), message: message)
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    /// A path as the file names it: relative paths are relative to the file's own folder.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/")
            ? path : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL.path
    }

    /// A path-valued key, resolved (see `resolve`).
    func path(_ key: String, default value: String? = nil) throws(ConfigError) -> String {
        resolve(try string(key, default: value))
    }

    /// An optional key: nil when it is absent.
    func optionalString(_ key: String) throws(ConfigError) -> String? { has(key) ? try string(key) : nil }

    func optionalPath(_ key: String) throws(ConfigError) -> String? { has(key) ? try path(key) : nil }

    private func entry(_ key: String) -> TOMLEntry? {
        used.insert(key)
        return table[key]
    }

    private func missing(_ key: String, _ what: String) -> ConfigError {
        let place = path.isEmpty ? "the file" : "[\(path)] (line \(table.line))"
        return ConfigError(file: file, line: table.line, key: name(key), message: "missing: \(place) needs \(key) = \(what)")
    }

    func string(_ key: String, default value: String? = nil) throws(ConfigError) -> String {
        guard let e = entry(key) else {
            if let value { return value }
            throw missing(key, "\"...\"")
        }
        guard case .string(let s) = e.value else { throw error(key, "expected a string in \"quotes\", found \(e.value.typeName)") }
        // What citizens read is stored in composed form, whatever the editor wrote.
        let text = s.precomposedStringWithCanonicalMapping
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(key, "must not be empty") }
        return text
    }

    func int(_ key: String, default value: Int? = nil, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let e = entry(key) else {
            if let value { return value }
            throw missing(key, "a number")
        }
        guard case .integer(let v) = e.value else { throw error(key, "expected a whole number, found \(e.value.typeName)") }
        guard range.contains(v) else { throw error(key, "\(v) is out of range: use \(range.lowerBound) to \(range.upperBound)") }
        return v
    }

    func bool(_ key: String, default value: Bool) throws(ConfigError) -> Bool {
        guard let e = entry(key) else { return value }
        guard case .bool(let v) = e.value else { throw error(key, "expected true or false, found \(e.value.typeName)") }
        return v
    }

    func strings(_ key: String, default value: [String]? = nil) throws(ConfigError) -> [String] {
        guard let e = entry(key) else {
            if let value { return value }
            throw missing(key, "[\"...\", ...]")
        }
        guard case .array(let items) = e.value else { throw error(key, "expected an array of strings, found \(e.value.typeName)") }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item.value else {
                throw error(key, "expected only strings in the array, found \(item.value.typeName)")
            }
            out.append(s.precomposedStringWithCanonicalMapping)
        }
        return out
    }

    func ints(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> [Int] {
        guard let e = entry(key) else { throw missing(key, "[1, 2, ...]") }
        guard case .array(let items) = e.value else { throw error(key, "expected an array of numbers, found \(e.value.typeName)") }
        var out: [Int] = []
        for item in items {
            guard case .integer(let v) = item.value, range.contains(v) else {
                throw error(key, "expected whole numbers from \(range.lowerBound) to \(range.upperBound)")
            }
            out.append(v)
        }
        return out
    }

    func table(_ key: String) throws(ConfigError) -> TableReader? {
        guard let e = entry(key) else { return nil }
        guard case .table(let t) = e.value else { throw error(key, "expected a table [\(name(key))], found \(e.value.typeName)") }
        return TableReader(t, path: name(key), file: file)
    }

    func tables(_ key: String) throws(ConfigError) -> [TableReader] {
        guard let e = entry(key) else { return [] }
        guard case .array(let items) = e.value else { throw error(key, "expected [[\(name(key))]] sections, found \(e.value.typeName)") }
        var out: [TableReader] = []
        for (index, item) in items.enumerated() {
            guard case .table(let t) = item.value else { throw error(key, "expected [[\(name(key))]] sections") }
            out.append(TableReader(t, path: "\(name(key))[\(index + 1)]", file: file))
        }
        return out
    }

    /// Every key in the table with its raw entry, all marked as read (for key-binding tables).
    func allEntries() -> [(key: String, entry: TOMLEntry)] {
        table.keys.map { key in
            used.insert(key)
            return (key, table[key]!)
        }
    }

    /// Refuses any key that was not read.
    func finish() throws(ConfigError) {
        if let unknown = table.keys.first(where: { !used.contains($0) }) {
            throw error(unknown, "unknown key (check its spelling; README.md lists the keys)")
        }
    }
}
