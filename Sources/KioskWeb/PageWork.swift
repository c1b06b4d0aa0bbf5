import KioskRuntime

/// Where the pages' blocking work runs: never on Swift's shared threads, which are as many as
/// the cores (a database write may wait up to 2 s for another process's lock, a year's report
/// reads for seconds).
enum PageWork {
    /// The pages' short reads of the database (a page's rows, the audit log, an officer's figures).
    static let reads = WorkerThread(name: "pages' reads")
    /// Reports and exports: the whole period read from SQLite, one at a time.
    static let reports = WorkerThread(name: "reports")

    static func run<T: Sendable>(on worker: WorkerThread = reads, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await worker.run { () throws(any Error) -> T in try work() }.get()
    }
}
