import Foundation

/// One dedicated thread that runs its work in order. For work that blocks (a printer's
/// deadline, a serial bus, the voice, the database's commit): Dispatch's shared threads are
/// as many as the cores and do not grow at once when one blocks, so a stuck printer on them
/// would delay everything else queued there, the queue engine included.
///
/// Also a `SerialExecutor`, so an actor can run on it (and code on its thread can take the
/// actor's isolation with `assumeIsolated`). The thread ends when the worker is released and
/// its work is done.
public final class WorkerThread: SerialExecutor, @unchecked Sendable {
    // @unchecked: `Queue` is guarded by its condition; `thread` is set once, before init returns.
    private final class Queue: @unchecked Sendable {
        // @unchecked: `jobs` and `open` are guarded by `condition`; `inline` is written and read
        // by the thread that holds `exclusive`.
        let condition = NSCondition()
        var jobs: [() -> Void] = []
        var open = true
        /// Held while any of the worker's work runs: on its thread, or on a caller's in `sync`.
        let exclusive = NSLock()
        /// The caller running work in place of the thread, if any.
        var inline: pthread_t?
    }

    private let queue = Queue()
    private var thread: pthread_t?

    public init(name: String) {
        let queue = self.queue
        let started = DispatchSemaphore(value: 0)
        let box = ThreadBox()
        let thread = Thread {
            box.id = pthread_self()
            started.signal()
            while true {
                queue.condition.lock()
                while queue.jobs.isEmpty && queue.open { queue.condition.wait() }
                let batch = queue.jobs
                queue.jobs.removeAll(keepingCapacity: true)
                let open = queue.open
                queue.condition.unlock()
                for job in batch {
                    queue.exclusive.lock()
                    job()
                    queue.exclusive.unlock()
                }
                if !open && batch.isEmpty { return }
            }
        }
        thread.name = name
        thread.start()
        started.wait()
        self.thread = box.id
    }

    private final class ThreadBox: @unchecked Sendable { var id: pthread_t? }

    deinit {
        queue.condition.lock()
        queue.open = false
        queue.condition.signal()
        queue.condition.unlock()
    }

    /// Whether the caller runs on this worker's thread.
    public var isCurrent: Bool { thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }

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

    /// Runs `work` as the worker's own and returns its result, for another dedicated thread
    /// (never Swift's shared ones, never this worker itself). When nothing is queued it runs
    /// right here, under the worker's lock: two thread switches fewer on a press's way to the
    /// printer. Otherwise it runs after what was queued, on the worker's thread.
    public func sync<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T {
        precondition(!isCurrent, "a worker cannot wait for itself")
        queue.condition.lock()
        let idle = queue.jobs.isEmpty
        queue.condition.unlock()
        if idle {
            queue.exclusive.lock()
            queue.inline = pthread_self()
            defer {
                queue.inline = nil
                queue.exclusive.unlock()
            }
            return work()
        }
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        async {
            result.value = work()
            done.signal()
        }
        done.wait()
        return result.value!
    }

    private final class ResultBox<T>: @unchecked Sendable { var value: T? }

    /// Runs `work` right here when the worker is idle, as `sync` would (for another dedicated
    /// thread: no switch to the worker's thread); when the worker is busy, queues it as
    /// `async` does and returns at once, so the caller never waits behind the worker's work.
    public func runHereIfIdle(_ work: @escaping @Sendable () -> Void) {
        precondition(!isCurrent, "a worker cannot run its own work in place")
        queue.condition.lock()
        let idle = queue.jobs.isEmpty
        queue.condition.unlock()
        guard idle, queue.exclusive.try() else { return async(work) }
        queue.inline = pthread_self()
        defer {
            queue.inline = nil
            queue.exclusive.unlock()
        }
        work()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Code given with `async` or `sync` runs one piece at a time, like the actor's own jobs
    /// (on this thread, or in `sync` under the same lock): it may take the actor's isolation.
    public func checkIsolated() {
        precondition(
            isCurrent || queue.inline.map { pthread_equal($0, pthread_self()) != 0 } == true,
            "not on the worker thread")
    }
}
