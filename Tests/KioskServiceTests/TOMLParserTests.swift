import Foundation
import Testing

@testable import KioskService

@Suite struct TOMLParserTests {
    @Test func readsWhatConfigsUse() throws {
        let root = try TOMLParser.parse(
            #"""
            # comment
            title = "Phiếu \"số\"\tthứ tự\u00E1"   # trailing comment
            literal = 'C:\path'
            multi = """
            dòng 1
            dòng 2"""
            n = -1_000
            hex = 0x1F
            f = 2.5
            yes = true
            list = [
              "a",  # comment inside
              "b",
            ]
            point = { x = 1, y = "hai" }
            a.b.c = 3
            [section]
            k = 1
            [section.sub]
            k = 2
            [[items]]
            k = 1
            [[items]]
            k = 2
            [items.extra]
            z = 9
            """#)
        #expect(string(root["title"]) == "Phiếu \"số\"\tthứ tựá")
        #expect(string(root["literal"]) == #"C:\path"#)
        #expect(string(root["multi"]) == "dòng 1\ndòng 2")
        #expect(int(root["n"]) == -1000)
        #expect(int(root["hex"]) == 31)
        if case .float(let f)? = root["f"]?.value { #expect(f == 2.5) } else { Issue.record("float") }
        if case .bool(true)? = root["yes"]?.value {} else { Issue.record("bool") }
        if case .array(let items)? = root["list"]?.value {
            #expect(items.map { string($0) } == ["a", "b"])
            #expect(items.map(\.line) == [12, 13])
        } else {
            Issue.record("array")
        }
        #expect(string(table(root["point"])?["y"]) == "hai")
        #expect(int(table(table(root["a"])?["b"])?["c"]) == 3)
        #expect(int(table(table(root["section"])?["sub"])?["k"]) == 2)
        #expect(root["section"]?.line == 17)
        guard case .array(let items)? = root["items"]?.value else {
            Issue.record("array of tables")
            return
        }
        #expect(items.count == 2)
        #expect(int(table(items[1])?["k"]) == 2)
        #expect(int(table(table(items[1])?["extra"])?["z"]) == 9)
    }

    @Test(arguments: [
        ("a = 1\na = 2", 2, "a is already defined on line 1"),
        ("a = \"open", 1, "a string is not closed"),
        ("a = 1 b = 2", 1, "unexpected text after the value"),
        ("a = 2026-11-26", 1, "dates and times are not used"),
        ("a = 007", 1, "007 is not a value"),
        ("[t]\n[t]", 2, "[t] is already defined on line 1"),
        ("a = [1, 2", 1, "expected , or ]"),
        ("a = \"\\q\"", 1, "\\q is not an escape"),
        ("= 1", 1, "expected a key name"),
        ("p = { x = 1 }\n[p]", 2, "[p] is already defined"),
        ("a = " + String(repeating: "[", count: 33) + String(repeating: "]", count: 33), 1, "nested more than 32 deep"),
        ("a = " + String(repeating: "{ b = ", count: 40), 1, "nested more than 32 deep"),
        (String(repeating: "k.", count: 40) + "k = 1", 1, "more than 32 dotted parts"),
        ("# " + String(repeating: "x", count: 1 << 20), 0, "larger than 1024 KiB"),
    ])
    func refusesWithTheLine(text: String, line: Int, message: String) {
        // (a file of 1 MiB and more is refused before it is read: line 0)
        do {
            _ = try TOMLParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

extension TOMLParserTests {
    /// Many `[[x]]` headers once copied the whole array for each: a long file took minutes.
    @Test func manyArrayTablesParseInLinearTime() throws {
        let text = String(repeating: "[[x]]\nk = 1\n", count: 40_000)
        let clock = ContinuousClock()
        var count = 0
        let took = try clock.measure {
            if case .array(let items)? = try TOMLParser.parse(text)["x"]?.value { count = items.count }
        }
        #expect(count == 40_000)
        #expect(took < .seconds(5), "\(took)")
    }
}

private func string(_ e: TOMLEntry?) -> String? { if case .string(let s)? = e?.value { s } else { nil } }
private func int(_ e: TOMLEntry?) -> Int? { if case .integer(let i)? = e?.value { i } else { nil } }
private func table(_ e: TOMLEntry?) -> TOMLTable? { if case .table(let t)? = e?.value { t } else { nil } }
