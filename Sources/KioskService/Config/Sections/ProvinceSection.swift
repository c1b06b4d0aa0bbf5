extension ProvinceSettings {
    /// `[province]`, for the centre of `centreTable`; nil when absent.
    static func read(_ top: TableReader, centre: CentreSettings, centreTable: TableReader) throws(ConfigError) -> ProvinceSettings? {
        guard let t = try top.table("province") else { return nil }
        let url = try t.string("url")
        let server: ProvinceServerAddress
        do {
            server = try ProvinceServerAddress(url)
        } catch {
            throw t.error("url", error.description)
        }
        if server.password != nil {
            throw t.error("url", "holds a password: put it in a file only the daemon reads, and name it in password_file")
        }
        guard centre.code != nil else {
            throw centreTable.error("code", "missing: a box that reports to the province needs its centre's code (code = \"26.0101\")")
        }
        var settings = ProvinceSettings(server: server, passwordFile: try t.optionalPath("password_file"))
        if t.has("ca_file") {
            guard server.tls == .verifyFull else { throw t.error("ca_file", "is for TLS: the url says sslmode=disable") }
            settings.server.caFile = try t.path("ca_file")
        } else if let file = server.caFile {
            settings.server.caFile = t.resolve(file)
        }
        settings.batchSize = try t.int("batch", default: settings.batchSize, in: 1...50_000)
        settings.intervalSeconds = try t.int("interval_seconds", default: settings.intervalSeconds, in: 1...3600)
        settings.maxBackoffSeconds = try t.int("max_backoff_seconds", default: settings.maxBackoffSeconds, in: 1...3600)
        settings.answerSeconds = try t.int("answer_seconds", default: settings.answerSeconds, in: 1...3600)
        try t.finish()
        return settings
    }
}
