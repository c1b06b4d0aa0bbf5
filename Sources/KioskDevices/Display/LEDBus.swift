import Foundation
import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// One serial bus (often RS-485) shared by several LED boards. Frames go out one at a time
/// with the protocol's gap between them; a board's newer state replaces an older one not yet
/// sent (only the newest matters); every `refresh` the current state of every board is sent
/// again, because boards boot blank and never acknowledge.
public actor LEDBus {
    public let path: String
    let baud: Int
    let gap: Duration
    let refresh: Duration
    private var current: [Int: [UInt8]] = [:]
    private var pending: [Int] = []
    private var wake: CheckedContinuation<Void, Never>?
    private let io: WorkerThread
    /// Frames tried, written or not.
    public private(set) var attempts = 0
    /// No board waits for a frame (the next ones come with a new text or the refresh).
    public var isIdle: Bool { pending.isEmpty }
    /// Frames actually written since the bus started.
    public private(set) var writtenCount = 0
    /// The latest frames written, for tests and the benchmark: (board, time written). Only the
    /// last `keptWrites`: the bus runs for years.
    public private(set) var written: [(board: Int, at: ContinuousClock.Instant)] = []
    public static let keptWrites = 256
    /// Told after the first frame (works: nil, or the error), then when the port starts
    /// failing or works again, not on every frame.
    let report: @Sendable (DeviceError?) -> Void
    private var failing: DeviceError?
    private var tried = false

    public init(
        path: String, baud: Int = 9600, gap: Duration, refresh: Duration = .seconds(30),
        report: @escaping @Sendable (DeviceError?) -> Void = { _ in }
    ) {
        self.path = path
        self.baud = baud
        self.gap = gap
        self.refresh = refresh
        self.report = report
        io = WorkerThread(name: "LED bus \(path)")
    }

    /// What board `address` should show now.
    public func show(_ frame: [UInt8], on address: Int) {
        current[address] = frame
        if !pending.contains(address) { pending.append(address) }
        wake?.resume()
        wake = nil
    }

    /// Sends until cancelled.
    public func run() async {
        var lastRefresh = ContinuousClock.now
        while !Task.isCancelled {
            if pending.isEmpty {
                let untilRefresh = refresh - (ContinuousClock.now - lastRefresh)
                if untilRefresh <= .zero {
                    pending = current.keys.sorted()
                    lastRefresh = .now
                    continue
                }
                await waitForWork(atMost: untilRefresh)
                continue
            }
            let board = pending.removeFirst()
            attempts += 1
            guard let frame = current[board] else { continue }
            if await send(frame) {
                writtenCount += 1
                written.append((board, .now))
                if written.count > Self.keptWrites { written.removeFirst(written.count - Self.keptWrites) }
            }
            try? await Task.sleep(for: gap)
        }
    }

    private func waitForWork(atMost timeout: Duration) async {
        let sleeper = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.nudge()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { self.wake = $0 }
        } onCancel: {
            Task { await self.nudge() }
        }
        sleeper.cancel()
    }

    private func nudge() {
        wake?.resume()
        wake = nil
    }

    /// Whether the frame went out.
    private func send(_ frame: [UInt8]) async -> Bool {
        let printer = DevicePathPrinter(path: path, baud: baud)
        let sent = await io.run { () throws(DeviceError) in try printer.send(frame, by: .after(.seconds(2))) }
        let result: DeviceError? = if case .failure(let error) = sent { error } else { nil }
        if result != failing || !tried {
            failing = result
            tried = true
            report(result)
        }
        return result == nil
    }
}
