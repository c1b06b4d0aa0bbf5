import KioskCore

extension ServiceDefinition {
    /// `[[services]]`: at least one.
    static func readAll(_ top: TableReader) throws(ConfigError) -> [ServiceDefinition] {
        let tables = try top.tables("services")
        guard !tables.isEmpty else { throw top.error("services", "missing: add at least one [[services]] section") }
        var services: [ServiceDefinition] = []
        for t in tables {
            let code = try t.string("code")
            guard code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), code.count <= 8 else {
                throw t.error("code", "\(code) must be up to 8 plain letters or digits (like A or HT)")
            }
            if services.contains(where: { $0.code.rawValue == code }) { throw t.error("code", "service \(code) is defined twice") }
            let first = try t.int("first_number", default: 1, in: 0...99_999)
            let last = try t.int("last_number", default: 999, in: 0...99_999)
            guard first <= last else { throw t.error("last_number", "must not be below first_number (\(first))") }
            let prefix = t.has("prefix") ? try t.string("prefix") : ""
            // The number goes to displays, LED boards, the voice, file names and one-line requests ("call 3 A015").
            guard prefix.count <= 3, prefix.allSatisfy({ ("A"..."Z").contains($0) || $0 == "Đ" }) else {
                throw t.error("prefix", "\(prefix) must be up to 3 capital letters (A to Z, or Đ), like A or HT")
            }
            services.append(
                ServiceDefinition(
                    code: ServiceCode(code), name: try t.string("name"), prefix: prefix,
                    firstNumber: first, lastNumber: last))
            try t.finish()
        }
        return services
    }
}
