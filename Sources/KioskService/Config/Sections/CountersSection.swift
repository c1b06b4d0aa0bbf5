import KioskCore

extension CounterDefinition {
    /// `[[counters]]`: at least one, each serving services of `services`.
    static func readAll(_ top: TableReader, services: [ServiceDefinition]) throws(ConfigError) -> [CounterDefinition] {
        let tables = try top.tables("counters")
        guard !tables.isEmpty else { throw top.error("counters", "missing: add at least one [[counters]] section") }
        var counters: [CounterDefinition] = []
        for t in tables {
            let number = CounterNumber(try t.int("number", in: 1...999))
            if counters.contains(where: { $0.number == number }) { throw t.error("number", "counter \(number) is defined twice") }
            let codes = try t.strings("services")
            guard !codes.isEmpty else { throw t.error("services", "a counter must serve at least one service") }
            for code in codes where !services.contains(where: { $0.code.rawValue == code }) {
                throw t.error(
                    "services", "no service has the code \(code) (known: \(services.map(\.code.rawValue).joined(separator: ", ")))")
            }
            let name = t.has("name") ? try t.string("name") : nil
            counters.append(CounterDefinition(number: number, name: name, services: codes.map { ServiceCode($0) }))
            try t.finish()
        }
        return counters
    }
}
