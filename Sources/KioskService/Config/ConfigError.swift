/// A refused configuration file: which file, which line, which key, and what is wrong.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    /// The key's full name, like `counters[2].services`; empty for a syntax error.
    public let key: String
    public let message: String

    public var description: String {
        key.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(key): \(message)"
    }
}
