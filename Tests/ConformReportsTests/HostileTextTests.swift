@testable import ConformReports
import ConformRunner
import Foundation
import FoundationXML
import Testing

@Suite struct HostileTextTests {
    static let nasty = "red \u{1b}[31mALERT\u{1b}[0m bell\u{7} nul\u{0} bs\u{8} ffff\u{FFFF} fffe\u{FFFE} osc\u{1b}]0;title\u{7}end cdata]]> <&\"'"

    @Test func reportStaysValidXMLWithVisibleEscapes() throws {
        let s = Fixture.scenario("scenarios/hostile/chars.json", "hostile \u{1b}[1mname\u{1b}[0m", [
            Fixture.step(1, "step with \u{1}control", line: 3, .failed([
                CheckFailure(kind: "body", message: Self.nasty, expected: "clean", actual: Self.nasty),
            ]), exchanges: [Fixture.exchange("GET", "http://127.0.0.1:8080/x", body: Self.nasty,
                                             responseHeaders: [("x-note", "a\u{1b}[2Kb")])]),
            Fixture.step(2, "skipped \u{FFFF}", line: 4, .skipped(reason: "because\u{0}of \u{1b}[33mreasons\u{1b}[0m")),
            Fixture.step(3, "errored", line: 5, .error(StepError(kind: "protocol", message: "bad byte \u{1F} in header"))),
        ])
        var run = Fixture.run([s])
        run.properties.append((name: "filter\u{1b}[0m", value: "tag\u{0}=x"))
        let path = Fixture.outputPath("TEST-hostile-text.xml")
        try JUnitReport.write(run, to: path)

        let bytes = Fixture.bytes(path)
        #expect(isXML10Text(bytes), "no character outside XML 1.0, raw")
        #expect(!bytes.contains("&#"), "XML 1.0 has no character references for these either")
        let xml = try ParsedXML(path: path)
        let failure = try #require(try xml.elements("//failure").first)
        let message = try #require(failure[attribute: "message"])
        #expect(message.hasPrefix("red ALERT bell\\u{7} nul\\u{0} bs\\u{8} ffff\\u{ffff} fffe\\u{fffe} oscend cdata]]> <&\"'"))
        #expect(failure.stringValue?.hasPrefix(message + "\n") == true)
        let out = try #require(try xml.elements("//system-out").first?.stringValue)
        #expect(out.contains("red ALERT bell\\u{7}"))
        #expect(out.contains("x-note: ab"), "the whole escape sequence goes, not just ESC")
        let skipped = try #require(try xml.elements("//skipped").first)
        #expect(skipped[attribute: "message"] == "because\\u{0}of reasons")
        #expect(try xml.elements("//error").first?[attribute: "type"] == "ProtocolError")
        let names = try xml.elements("//testcase").compactMap { $0[attribute: "name"] }
        #expect(names == ["01 step with \\u{1}control", "02 skipped \\u{ffff}", "03 errored"])
        #expect(try xml.elements("//property[@name='filter']").first?[attribute: "value"] == "tag\\u{0}=x")
    }

    @Test func nonASCIITextIsWrittenAsUTF8() throws {
        let s = Fixture.scenario("scenarios/hostile/unicode.json", "Ünïcödé ✓", [
            Fixture.step(1, "grüße 👋", line: 2, .failed([CheckFailure(kind: "body", message: "erwartet „ä“, bekam 𝄞")])),
        ])
        let path = Fixture.outputPath("TEST-unicode.xml")
        try JUnitReport.write(Fixture.run([s]), to: path)
        let bytes = Fixture.bytes(path)
        #expect(bytes.contains("grüße 👋"))
        let failure = try #require(try ParsedXML(path: path).elements("//failure").first)
        #expect(failure[attribute: "message"] == "erwartet „ä“, bekam 𝄞")
    }
}

@Suite struct TextSanitizerTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("\u{1b}[1;31mbold red\u{1b}[0m", "bold red"),
        ("a\u{1b}[?25lb", "ab"),
        ("title\u{1b}]0;hello\u{7}!", "title!"),
        ("link \u{1b}]8;;http://x\u{1b}\\text\u{1b}]8;;\u{1b}\\", "link text"),
        ("charset \u{1b}(Bok", "charset ok"),
        ("save\u{1b}7d", "saved"),
        ("lone \u{1b}", "lone \\u{1b}"),
        ("unterminated \u{1b}[12", "unterminated \\u{1b}[12"),
        ("nul\u{0}", "nul\\u{0}"),
        ("tab\tnl\ncr\r", "tab\tnl\ncr\r"),
        ("\u{FFFE}\u{FFFF}\u{FFFD}", "\\u{fffe}\\u{ffff}\u{FFFD}"),
        ("\u{7F}\u{85}", "\u{7F}\u{85}"),
    ])
    func xml(input: String, expected: String) {
        #expect(TextSanitizer.sanitized(input, for: .xml) == expected)
    }

    @Test func terminalAlsoDropsCarriageReturnsAndC1() {
        #expect(TextSanitizer.sanitized("a\rb\u{7F}c\u{9B}d\u{1b}[2Je", for: .terminal) == "a\\u{d}b\\u{7f}c\\u{9b}de")
        #expect(TextSanitizer.sanitized("line\n\tok", for: .terminal) == "line\n\tok")
    }

    @Test func jsonKeepsEverything() {
        let s = "\u{1b}[31m\u{0}\u{FFFF}"
        #expect(TextSanitizer.sanitized(s, for: .json) == s)
    }

    @Test func oneLine() {
        #expect(TextSanitizer.oneLine("a\n\n b\tc  ") == "a b c")
        #expect(TextSanitizer.oneLine("single") == "single")
    }
}

@Suite struct TextLimitTests {
    @Test func shortTextIsUnchanged() {
        #expect(TextLimit.capped("abc", maxBytes: 3) == "abc")
    }

    @Test func markerCountsTheDroppedBytes() throws {
        let text = String(repeating: "x", count: 1000)
        let capped = TextLimit.capped(text, maxBytes: 100)
        #expect(capped.utf8.count <= 100)
        let match = try #require(capped.wholeMatch(of: /(x*)\n\[truncated ([0-9]+) bytes\]/))
        #expect(match.1.count + Int(match.2)! == 1000)
    }

    @Test func neverSplitsAScalar() throws {
        let text = String(repeating: "€", count: 100) // 3 bytes each
        for cap in 30...40 {
            let capped = TextLimit.capped(text, maxBytes: cap)
            let match = try #require(capped.wholeMatch(of: /(€*)\n\[truncated ([0-9]+) bytes\]/))
            #expect(match.1.utf8.count + Int(match.2)! == 300)
            #expect(capped.utf8.count <= cap)
        }
    }
}
