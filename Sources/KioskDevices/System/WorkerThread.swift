import Foundation

/// One dedicated thread that runs its work in order. For work that blocks (a printer's
/// deadline, a serial bus, the voice, the database's commit): Dispatch's shared threads are
/// as many as the cores and do not grow at once when one blocks, so a stuck printer on them
/// would delay everything else queued there, the queue engine included.
///
/// Also a `SerialExecutor`, so an actor can run on it. The thread ends when the worker is
/// released and its work is done.
public final class WorkerThread: SerialExecutor, @unchecked Sendable {
    // @unchecked: `Queue` is guarded by its condition.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [() -> Void] = []
        var open = true
    }

    private let queue = Queue()

    public init(name: String) {
        let queue = self.queue
        let thread = Thread {
            while true {
                queue.condition.lock()
                while queue.jobs.isEmpty && queue.open { queue.condition.wait() }
                let batch = queue.jobs
                queue.jobs.removeAll(keepingCapacity: true)
                let open = queue.open
                queue.condition.unlock()
                for job in batch { job() }
                if !open && batch.isEmpty { return }
            }
        }
        thread.name = name
        thread.start()
    }

    deinit {
        queue.condition.lock()
        queue.open = false
        queue.condition.signal()
        queue.condition.unlock()
    }

    /// Runs `work` on the thread, after what was given before.
    public func async(_ work: @escaping @Sendable () -> Void) {
        queue.condition.lock()
        queue.jobs.append(work)
        queue.condition.signal()
        queue.condition.unlock()
    }

    /// Runs `work` on the thread and waits for its result without holding a Swift thread.
    public func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async -> Result<T, E> {
        await withCheckedContinuation { done in
            async { done.resume(returning: Result { () throws(E) in try work() }) }
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
