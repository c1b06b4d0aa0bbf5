import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement and drops its rows. (Taking a `PostgresQuery`, not a string: a string
    /// literal would pick postgres-nio's old future-based API.)
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// The rows of a query, decoded.
    func fetch<each T: PostgresDecodable>(_ query: PostgresQuery, as types: (repeat each T).Type, logger: Logger) async throws -> [(
        repeat each T
    )] {
        var rows: [(repeat each T)] = []
        for try await row in try await self.query(query, logger: logger).decode(types) {
            rows.append(row)
        }
        return rows
    }
}
