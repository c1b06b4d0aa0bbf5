import Foundation
import KioskRuntime
import KioskTestSupport
import Synchronization
import Testing

/// The worker that the queue engine, the printer and the LED buses run on.
@Suite struct WorkerThreadTests {
    actor Counter {
        nonisolated let worker = WorkerThread(name: "test")
        nonisolated var unownedExecutor: UnownedSerialExecutor { worker.asUnownedSerialExecutor() }
        var value = 0
        func add() -> Int {
            value += 1
            return value
        }
        /// From another thread, without a hop through Swift's shared threads.
        nonisolated func addWaiting() -> Int { worker.sync { self.assumeIsolated { $0.add() } } }
    }

    @Test func workRunsOnePieceAtATimeAndInOrder() async throws {
        let counter = Counter()
        let log = Mutex<[String]>([])
        // A long piece of work holds the worker: `sync` from another thread waits for it.
        // It ends when the test says so, not after a fixed time: a busy machine may not look in time.
        let release = DispatchSemaphore(value: 0)
        counter.worker.async {
            log.withLock { $0.append("long started") }
            release.wait()
            log.withLock { $0.append("long ended") }
        }
        try await waitUntil("the long work started") { log.withLock { $0 } == ["long started"] }
        Thread {
            usleep(50_000)
            release.signal()
        }.start()
        let value = try await offThePool { () -> Int in
            let v = counter.addWaiting()
            log.withLock { $0.append("sync ran") }
            return v
        }
        #expect(value == 1)
        #expect(log.withLock { $0 } == ["long started", "long ended", "sync ran"], "never side by side")
        // Idle: `sync` runs in place, with the actor's isolation, and the actor's own calls still count.
        #expect(try await offThePool { counter.addWaiting() } == 2)
        #expect(await counter.add() == 3)
    }

    /// A keypad's thread does a press's work itself when the printer's worker is idle, and
    /// never waits behind it when it is busy: the work is queued and the keypad reads on.
    @Test func runHereIfIdleRunsInPlaceOrQueuesWithoutWaiting() async throws {
        let worker = WorkerThread(name: "printer")
        let ran = Mutex<[String]>([])
        try await offThePool {
            let caller = pthread_self()
            worker.runHereIfIdle {
                ran.withLock { $0.append(pthread_equal(pthread_self(), caller) != 0 ? "idle: in place" : "idle: on the worker") }
            }
        }
        #expect(ran.withLock { $0 } == ["idle: in place"])

        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        worker.async {
            holding.signal()
            release.wait()
        }
        try await offThePool {
            holding.wait()  // the worker is busy from here on (not a wait on Swift's shared threads)
            let caller = pthread_self()
            worker.runHereIfIdle {
                ran.withLock { $0.append(pthread_equal(pthread_self(), caller) != 0 ? "busy: in place" : "busy: on the worker") }
            }
        }
        #expect(ran.withLock { $0 }.count == 1, "the busy worker's caller returned before its work ran")
        release.signal()
        try await waitUntil("the queued work ran") { ran.withLock { $0 }.count == 2 }
        #expect(ran.withLock { $0 } == ["idle: in place", "busy: on the worker"])
    }
}
