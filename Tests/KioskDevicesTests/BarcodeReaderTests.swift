import Testing

@testable import KioskDevices

@Suite struct BarcodeReaderTests {
    /// Key events as a scanner types `text` (capitals with Shift), 4 ms apart, then Enter.
    func typing(_ text: String, from start: Double = 100, step: Double = 0.004) -> [(UInt16, Int32, Double)] {
        var events: [(UInt16, Int32, Double)] = []
        var t = start
        func key(_ name: String, _ value: Int32) {
            events.append((KeyNames.code(of: name)!, value, t))
            t += step / 2
        }
        for ch in text {
            let name = ch == "." ? "KEY_DOT" : ch == "-" ? "KEY_MINUS" : "KEY_\(ch.uppercased())"
            if ch.isUppercase { key("KEY_LEFTSHIFT", 1) }
            key(name, 1)
            key(name, 0)
            if ch.isUppercase { key("KEY_LEFTSHIFT", 0) }
        }
        key("KEY_ENTER", 1)
        key("KEY_ENTER", 0)
        return events
    }

    func read(_ events: [(UInt16, Int32, Double)], gap: Double = 0.1) -> [String] {
        var reader = BarcodeReader(gap: gap)
        return events.compactMap { reader.feed(code: $0.0, value: $0.1, at: $0.2) }
    }

    @Test func aNationalDossierCodeReadsAsPrinted() {
        #expect(read(typing("000.00.12.H56-250701-0001")) == ["000.00.12.H56-250701-0001"])
    }

    @Test func twoCodesInARowAndRepeatsIgnored() {
        var events = typing("A1") + typing("b2", from: 101)
        events.insert((KeyNames.code(of: "KEY_3")!, 2, 100.001), at: 1)  // autorepeat: not a character
        #expect(read(events) == ["A1", "b2"])
    }

    @Test func aPauseInsideACodeDropsWhatCameBefore() {
        // "12" then nothing for a second, then "34" and Enter: only "34" is a code.
        let events = Array(typing("12").dropLast(2)) + typing("34", from: 101.5)
        #expect(read(events) == ["34"])
    }

    @Test func enterAloneIsNoCode() {
        #expect(read(typing("")) == [])
    }
}
