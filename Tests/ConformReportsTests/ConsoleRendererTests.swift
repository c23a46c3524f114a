@testable import ConformReports
import ConformRunner
import Foundation
import Testing

@Suite struct ConsoleRendererTests {
    let plain = ConsoleRenderer(secrets: [], color: false)

    @Test func scenarioLine() {
        let s = ScenarioResult(file: "scenarios/x.json", name: "Docker Hub lifecycle", tags: [], startedAt: Fixture.start,
                               duration: 0.123, steps: [Fixture.step(1, "a", line: 1)])
        #expect(plain.scenarioLine(s) == "✔ PASS  scenarios/x.json  Docker Hub lifecycle  (0.123 s)")
        let run = Fixture.mixed(prefix: "console")
        #expect(plain.scenarioLine(run.scenarios[0]).hasPrefix("✘ FAIL  scenarios/console/dockerhub/lifecycle.json  Docker Hub lifecycle  ("))
        #expect(plain.scenarioLine(run.scenarios[1]).hasPrefix("✘ ERROR scenarios/console/ionos/tokens.json  IONOS tokens  ("))
        let skipped = Fixture.scenario("s.json", "all skipped", [Fixture.step(1, "a", line: 1, .skipped(reason: "tag filter"))])
        #expect(plain.scenarioLine(skipped).hasPrefix("↷ SKIP  s.json  all skipped  ("))
    }

    @Test func closingLineCountsErrorsAsFailed() {
        var c = OutcomeCounts()
        c.passed = 5
        c.failed = 2
        c.errors = 1
        c.skipped = 3
        #expect(plain.closingLine(c) == "5 passed, 3 failed, 3 skipped")
        let text = plain.render(Fixture.mixed(prefix: "console"))
        #expect(text.split(separator: "\n").last == "2 passed, 3 failed, 1 skipped")
    }

    @Test func failureDetails() {
        let text = plain.problems(Fixture.mixed(prefix: "console").scenarios[0])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "    02 read the token  (scenarios/console/dockerhub/lifecycle.json:20)",
            "      ✘ expected status 200, got 404",
            "        expected: 200",
            "        actual:   404",
            "      response: GET http://127.0.0.1:8080/v2/access-tokens/u-1 -> 404",
            #"        {"error":"not found"}"#,
        ])
    }

    @Test func errorDetails() {
        let text = plain.problems(Fixture.mixed(prefix: "console").scenarios[1])
        #expect(text.contains("      ✘ StepTimeout: no response within 5 s"))
        #expect(text.contains("      request: GET http://127.0.0.1:8080/tokens -> no response: timeout after 5000 ms"))
    }

    @Test func passingScenarioHasNoDetails() {
        let s = Fixture.scenario("ok.json", "ok", [Fixture.step(1, "a", line: 1)])
        #expect(plain.problems(s).isEmpty)
        #expect(plain.render(Fixture.run([s])) == "✔ PASS  ok.json  ok  (0.250 s)\n1 passed, 0 failed, 0 skipped")
    }

    @Test func interruptedRunSaysSo() {
        var run = Fixture.mixed(prefix: "console")
        run.interrupted = true
        let lines = plain.render(run).split(separator: "\n")
        #expect(lines.dropLast().last == "interrupted: results are partial")
    }

    @Test func excerptIsShortAndSafeForTerminals() {
        let body = (1...30).map { "line \($0) \u{1b}[2J\u{1b}]0;pwned\u{7}\r" }.joined(separator: "\n")
        let s = Fixture.scenario("t.json", "terminal", [
            Fixture.step(1, "get", line: 2, .failed([CheckFailure(kind: "body", message: "bad\u{1b}[31m body")]),
                         exchanges: [Fixture.exchange("GET", "http://127.0.0.1:8080/", body: body)]),
        ])
        let text = plain.problems(s)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x07 })
        #expect(text.contains("line 1 \\u{d}"))
        #expect(text.contains("✘ bad body"))
        #expect(text.contains("… (22 more lines)"))
        #expect(!text.contains("line 9 "))
    }

    @Test func colourOnlyWhenAsked() {
        let run = Fixture.mixed(prefix: "console")
        #expect(!plain.render(run).contains("\u{1b}["))
        let coloured = ConsoleRenderer(secrets: [], color: true).render(run)
        #expect(coloured.contains("\u{1b}["))
        #expect(coloured.split(separator: "\n").last == "2 passed, 3 failed, 1 skipped", "the closing line stays plain")
    }
}

@Suite struct NamesAndTimesTests {
    @Test(arguments: [
        ("scenarios/dockerhub/lifecycle.json", "scenarios.dockerhub.lifecycle"),
        ("./scenarios/docker hub/life.cycle.v2.json", "scenarios.docker_hub.life_cycle_v2"),
        ("/abs/path/x.yaml", "abs.path.x"),
        ("../up/.hidden", "__.up._hidden"),
        ("noext", "noext"),
        ("", "scenario"),
        ("ünï/cödé.json", "ünï.cödé"),
    ])
    func classname(file: String, expected: String) {
        #expect(JUnitNames.classname(forFile: file) == expected)
    }

    /// The byte path of `segment` against the Character rule, on every ASCII character and mixes.
    @Test func classnameSegmentsOnBytesMatchTheCharacterRule() {
        let ascii = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        for c in ascii { #expect(JUnitNames.segment(c) == JUnitNames.segmentByCharacters(c), "\(c.unicodeScalars.first!.value)") }
        for text in [ascii.joined(), "life.cycle-v2_x", "a b\tc", "", "ünï-x", "e\u{301}.json"] {
            #expect(JUnitNames.segment(text) == JUnitNames.segmentByCharacters(text), "\(text)")
        }
    }

    @Test func testcaseNames() {
        #expect(JUnitNames.testcaseName(index: 2, name: "read the token", width: 2) == "02 read the token")
        #expect(JUnitNames.testcaseName(index: 7, name: "multi\nline", width: 3) == "007 multi line")
        #expect(JUnitNames.testcaseName(index: 0, name: "setup", width: 2) == "00 setup")
        #expect(JUnitNames.indexWidth([Fixture.step(100, "x", line: 1)]) == 3)
        let long = String(repeating: "n", count: 600)
        let fitted = JUnitNames.fitted(long, classname: "a.b")
        #expect("a.b".count + 1 + fitted.count <= 511)
        #expect(fitted.hasSuffix("…"))
    }

    /// `fitted` checks UTF-8 counts before counting Characters; at and around the limit, with
    /// multi-byte and combined characters, it must cut exactly where counting Characters cuts.
    @Test func fittedNamesMatchCountingCharacters() {
        func reference(_ name: String, _ classname: String) -> String {
            let room = JUnitNames.maxQualifiedName - classname.count - 1
            guard name.count > room else { return name }
            return String(name.prefix(max(1, room - 1))) + "…"
        }
        for classname in ["a.b", String(repeating: "c", count: 300), String(repeating: "é", count: 200)] {
            for unit in ["n", "é", "e\u{301}", "👍🏽"] {
                for count in [1, 100, 250, 253, 254, 255, 256, 300, 509, 510, 511, 512, 600] {
                    let name = String(repeating: unit, count: count)
                    #expect(JUnitNames.fitted(name, classname: classname) == reference(name, classname))
                }
            }
        }
    }

    /// Built by appending; the same text as padding and interpolating.
    @Test func testcaseNamesMatchPaddingAndInterpolating() {
        for index in [-5, 0, 7, 42, 999, 1000, 123_456] {
            for width in [0, 2, 3, 4, 7] {
                for name in ["", "  ", "step \(index)", "multi\nline\ttab", "ünï"] {
                    let number = String(max(0, index))
                    let padded = String(repeating: "0", count: max(0, width - number.count)) + number
                    let text = TextSanitizer.oneLine(name)
                    #expect(JUnitNames.testcaseName(index: index, name: name, width: width) == (text.isEmpty ? padded : "\(padded) \(text)"))
                }
            }
        }
    }

    @Test(arguments: [
        (0.0, "0.000"), (0.0004, "0.000"), (0.0005, "0.001"), (1.2345, "1.234"), (1.2355, "1.236"), (0.0125, "0.013"),
        (12.0, "12.000"), (61.05, "61.050"), (-3.0, "0.000"), (Double.nan, "0.000"), (Double.infinity, "0.000"),
    ])
    func seconds(value: Double, expected: String) {
        #expect(ReportTime.seconds(value) == expected)
        #expect(ReportTime.seconds(value).wholeMatch(of: /[0-9]+\.[0-9]{3}/) != nil)
    }

    @Test func secondsMatchPrintf() {
        var mismatches: [Double] = []
        for tenth in stride(from: 0, to: 1_000_000, by: 7) {
            // Values of the form x.xxx5 sit on printf's rounding ties.
            for v in [Double(tenth) / 10_000, Double(tenth) / 10_000 + 0.00005, Double(tenth) / 7_777] {
                if ReportTime.seconds(v) != String(format: "%.3f", v) { mismatches.append(v) }
            }
        }
        #expect(mismatches.isEmpty)
    }

    @Test func timestamps() throws {
        #expect(ReportTime.junitTimestamp(Fixture.start) == "2025-01-31T12:34:56")
        let d = Date(timeIntervalSince1970: 1_738_326_896.789)
        #expect(ReportTime.iso8601(d) == "2025-01-31T12:34:56.789Z")
        let back = try #require(ReportTime.parseISO8601("2025-01-31T12:34:56.789Z"))
        #expect(abs(back.timeIntervalSince1970 - 1_738_326_896.789) < 0.0005)
        #expect(ReportTime.parseISO8601("2025-01-31T12:34:56Z") == Fixture.start)
        #expect(ReportTime.parseISO8601("2025-01-31T12:34:56.5Z")?.timeIntervalSince1970 == 1_738_326_896.5)
        #expect(ReportTime.parseISO8601("2025-01-31 12:34:56Z") == nil)
        #expect(ReportTime.parseISO8601("2025-13-31T12:34:56Z") == nil)
        #expect(ReportTime.parseISO8601("2025-01-31T12:34:56+01:00") == nil)
        #expect(ReportTime.iso8601(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }
}
