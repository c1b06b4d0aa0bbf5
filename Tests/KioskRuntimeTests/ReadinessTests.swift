import KioskRuntime
import Testing

/// READY=1 waits for each part's own signal, not for a count of entries something else wrote.
@Suite struct ReadinessTests {
    @Test func waitsForEveryNamedPartAndNamesTheLateOnes() async {
        let readiness = Readiness()
        let printer = readiness.part("printer")
        let keypad = readiness.part("keypad kiosk")
        printer.ready()
        #expect(readiness.pending == ["keypad kiosk"])
        #expect(await readiness.waitForAll(limit: .milliseconds(20)) == ["keypad kiosk"], "the keypad never said so")
        keypad.ready()
        keypad.ready()
        #expect(readiness.pending.isEmpty)
        let clock = ContinuousClock()
        let waited = await clock.measure { #expect(await readiness.waitForAll(limit: .seconds(60)).isEmpty) }
        #expect(waited < .seconds(1), "nothing pending: no wait")
    }

    @Test func aWaiterWakesWhenTheLastPartIsReady() async {
        let readiness = Readiness()
        let web = readiness.part("web server")
        let clock = ContinuousClock()
        async let late = readiness.waitForAll(limit: .seconds(60))
        web.ready()
        let started = clock.now
        #expect(await late.isEmpty)
        #expect(clock.now - started < .seconds(10), "woken by the signal, not by the limit")
    }

    @Test func anUnwatchedSignalChangesNothing() async {
        let readiness = Readiness()
        ReadySignal.unwatched.ready()
        #expect(readiness.pending.isEmpty)
        _ = readiness.part("clock")
        ReadySignal.unwatched.ready()
        #expect(readiness.pending == ["clock"])
    }
}
