@testable import ConformReports
import ConformRunner
import Foundation
import FoundationXML
import Testing

@Suite struct JUnitReportTests {
    @Test func countsEqualTheWrittenChildren() throws {
        let path = Fixture.outputPath("TEST-outcomes.xml")
        try JUnitReport.write(Fixture.mixed(prefix: "outcomes"), to: path)
        let xml = try ParsedXML(path: path)

        let root = try #require(xml.document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root[attribute: "name"] == "conform")
        #expect(root[attribute: "tests"] == "6")
        #expect(root[attribute: "failures"] == "2")
        #expect(root[attribute: "errors"] == "1")
        #expect(root[attribute: "skipped"] == nil, "junit-10.xsd declares no skipped on <testsuites>")

        let suites = try xml.elements("/testsuites/testsuite")
        #expect(suites.map { $0[attribute: "name"] } == [
            "scenarios/outcomes/dockerhub/lifecycle.json", "scenarios/outcomes/ionos/tokens.json", "scenarios/outcomes/xsky/xms.json",
        ])
        var totals = [0, 0, 0]
        for suite in suites {
            let cases = suite.childElements.filter { $0.name == "testcase" }
            let outcomes = cases.map { c in c.childElements.filter { ["failure", "error", "skipped"].contains($0.name) } }
            #expect(outcomes.allSatisfy { $0.count <= 1 }, "at most one outcome element per testcase")
            let kinds = outcomes.compactMap { $0.first?.name }
            #expect(suite[attribute: "tests"] == String(cases.count))
            #expect(suite[attribute: "failures"] == String(kinds.filter { $0 == "failure" }.count))
            #expect(suite[attribute: "errors"] == String(kinds.filter { $0 == "error" }.count))
            #expect(suite[attribute: "skipped"] == String(kinds.filter { $0 == "skipped" }.count))
            #expect(suite[attribute: "timestamp"] == "2025-01-31T12:34:56")
            #expect(suite[attribute: "time"]?.wholeMatch(of: /[0-9]+\.[0-9]{3}/) != nil)
            totals[0] += cases.count
            totals[1] += kinds.filter { $0 == "failure" }.count
            totals[2] += kinds.filter { $0 == "error" }.count
        }
        #expect(totals == [6, 2, 1])
    }

    @Test func testcaseIdentityAndLocation() throws {
        let path = Fixture.outputPath("TEST-identity.xml")
        try JUnitReport.write(Fixture.mixed(prefix: "identity"), to: path)
        let cases = try ParsedXML(path: path).elements("//testcase")
        #expect(cases.map { $0[attribute: "name"] ?? "" } == [
            "01 create a token", "02 read the token", "03 delete the token", "01 list tokens", "01 log in", "02 schema of the token",
        ])
        #expect(cases.map { $0[attribute: "classname"] ?? "" } == [
            "scenarios.identity.dockerhub.lifecycle", "scenarios.identity.dockerhub.lifecycle", "scenarios.identity.dockerhub.lifecycle",
            "scenarios.identity.ionos.tokens", "scenarios.identity.xsky.xms", "scenarios.identity.xsky.xms",
        ])
        #expect(cases[0][attribute: "file"] == "scenarios/identity/dockerhub/lifecycle.json")
        #expect(cases.map { $0[attribute: "line"] ?? "" } == ["12", "20", "30", "8", "5", "9"])
        #expect(cases.map { $0[attribute: "time"] ?? "" } == Array(repeating: "0.250", count: 6))
    }

    @Test func failureErrorAndSkippedElements() throws {
        let path = Fixture.outputPath("TEST-elements.xml")
        try JUnitReport.write(Fixture.mixed(prefix: "elements"), to: path)
        let cases = try ParsedXML(path: path).elements("//testcase")

        #expect(cases[0].childElements.map(\.name) == ["system-out"], "a passing step has output but no outcome")
        let failure = try #require(cases[1].child("failure"))
        #expect(failure[attribute: "type"] == "StatusMismatch")
        #expect(failure[attribute: "message"] == "expected status 200, got 404")
        let body = try #require(failure.stringValue)
        #expect(body.hasPrefix("expected status 200, got 404\n"), "GitLab shows only the body: it starts with the message")
        #expect(body.contains("expected: 200") && body.contains("actual:   404"))
        #expect(body.contains("scenarios/elements/dockerhub/lifecycle.json:20"))
        #expect(body.contains("GET http://127.0.0.1:8080/v2/access-tokens/u-1 -> 404"))
        #expect(body.contains(#"{"error":"not found"}"#))
        #expect(cases[1].childElements.map(\.name) == ["failure", "system-out"], "Surefire order: outcome, then output")

        let skipped = try #require(cases[2].child("skipped"))
        #expect(skipped[attribute: "message"] == "not run: step 02 failed")
        #expect(skipped.stringValue == "not run: step 02 failed", "GitLab shows only the body")
        #expect(skipped[attribute: "type"] == nil)

        let error = try #require(cases[3].child("error"))
        #expect(error[attribute: "type"] == "StepTimeout")
        #expect(error[attribute: "message"] == "no response within 5 s")
        #expect(error.stringValue?.hasPrefix("no response within 5 s\n") == true)
        #expect(cases[3].child("failure") == nil, "a harness problem is never a failure")

        let two = try #require(cases[5].child("failure"))
        #expect(two[attribute: "type"] == "SchemaViolation")
        #expect(two[attribute: "message"] == "/token/expires_at: expected a string, got null (and 1 more failed checks)")
        #expect(two.stringValue?.contains("header Cache-Control missing") == true)
        #expect(cases[5].child("system-out") == nil, "no exchanges, no transcript")
    }

    @Test func propertiesCarryRunSettingsAndInterruption() throws {
        var result = Fixture.mixed(prefix: "interrupted")
        result.interrupted = true
        result.scenarios.removeLast()
        let path = Fixture.outputPath("TEST-interrupted.xml")
        try JUnitReport.write(result, to: path)
        let xml = try ParsedXML(path: path)
        let suites = try xml.elements("/testsuites/testsuite")
        let props = (suites[0].child("properties")?.childElements ?? []).map { ($0[attribute: "name"] ?? "", $0[attribute: "value"] ?? "") }
        #expect(props.map(\.0) == ["conform.version", "base_url", "run.id", "interrupted"])
        #expect(props.map(\.1) == ["0.1.0", "http://127.0.0.1:8080", "run-1", "true"])
        #expect(suites.dropFirst().allSatisfy { $0.child("properties") == nil },
                "xunitparser merges all suites' properties and rejects repeated names")
        #expect(try xml.elements("//testcase").count == 4, "whatever completed is reported")
    }

    @Test func fileAndLineCanBeOmittedForTheXUnitPlugin() throws {
        let path = Fixture.outputPath("TEST-strict.xml")
        try JUnitReport.write(Fixture.mixed(prefix: "strict"), to: path, options: JUnitOptions(fileAndLine: false))
        let cases = try ParsedXML(path: path).elements("//testcase")
        #expect(cases.count == 6)
        #expect(cases.allSatisfy { $0[attribute: "file"] == nil && $0[attribute: "line"] == nil })
    }

    @Test func transcriptPolicy() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let failing = dir + "/failing.xml"
        let none = dir + "/none.xml"
        try JUnitReport.write(Fixture.mixed(prefix: "policy"), to: failing, options: JUnitOptions(transcripts: .failing))
        try JUnitReport.write(Fixture.mixed(prefix: "policy"), to: none, options: JUnitOptions(transcripts: .none))
        let withOutput = try ParsedXML(path: failing).elements("//testcase[system-out]").map { $0[attribute: "name"] ?? "" }
        #expect(withOutput == ["02 read the token", "01 list tokens"])
        #expect(try ParsedXML(path: none).elements("//system-out").isEmpty)
    }

    @Test func scenariosSharingAFileGetUniqueSuitesAndClassnames() throws {
        let a = Fixture.scenario("scenarios/shared/both.json", "first", [Fixture.step(1, "one", line: 3)])
        let b = Fixture.scenario("scenarios/shared/both.json", "second", [Fixture.step(1, "one", line: 9)])
        let c = Fixture.scenario("scenarios/shared/both.json", "second", [Fixture.step(1, "one", line: 12)])
        let path = Fixture.outputPath("TEST-shared-file.xml")
        try JUnitReport.write(Fixture.run([a, b, c]), to: path)
        let xml = try ParsedXML(path: path)
        let names = try xml.elements("//testsuite").compactMap { $0[attribute: "name"] }
        let classnames = try xml.elements("//testcase").compactMap { $0[attribute: "classname"] }
        #expect(Set(names).count == 3)
        #expect(Set(classnames).count == 3)
        #expect(classnames[0] == "scenarios.shared.both.first")
    }

    @Test func repeatedStepIndexesStayUnique() throws {
        let s = Fixture.scenario("scenarios/repeat/r.json", "repeat", [
            Fixture.step(1, "poll", line: 3), Fixture.step(1, "poll", line: 3), Fixture.step(12, "last", line: 40),
        ])
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try JUnitReport.write(Fixture.run([s]), to: dir + "/r.xml")
        let names = try ParsedXML(path: dir + "/r.xml").elements("//testcase").compactMap { $0[attribute: "name"] }
        #expect(names == ["01 poll", "01 poll (2)", "12 last"])
    }

    @Test func hugeOutputIsCappedWithAVisibleMarker() throws {
        let big = String(repeating: "0123456789abcdef", count: 20_000) // 320,000 bytes
        let s = Fixture.scenario("scenarios/huge/big.json", "big body", [
            Fixture.step(1, "download", line: 4, .failed([CheckFailure(kind: "body", message: "body differs", expected: big, actual: big)]),
                         exchanges: [Fixture.exchange("GET", "http://127.0.0.1:8080/big", body: big),
                                     Fixture.exchange("GET", "http://127.0.0.1:8080/big2", body: big),
                                     Fixture.exchange("GET", "http://127.0.0.1:8080/big3", body: big),
                                     Fixture.exchange("GET", "http://127.0.0.1:8080/big4", body: big),
                                     Fixture.exchange("GET", "http://127.0.0.1:8080/big5", body: big)]),
        ])
        let path = Fixture.outputPath("TEST-huge-output.xml")
        try JUnitReport.write(Fixture.run([s]), to: path)
        let testcase = try #require(try ParsedXML(path: path).elements("//testcase").first)
        let out = try #require(testcase.child("system-out")?.stringValue)
        let body = try #require(testcase.child("failure")?.stringValue)
        for text in [out, body] {
            let fits = text.utf8.count <= 64 * 1024
            let marked = text.contains(/\[truncated [0-9]+ bytes\]$/)
            #expect(fits && marked)
        }
        // The first body is cut at 16 KiB: what is kept plus what the marker counts is the whole body.
        let firstBody = try #require(out.firstMatch(of: /<\n([0-9a-f]+)\n\[truncated ([0-9]+) bytes\]/))
        let kept = firstBody.1.utf8.count
        #expect(kept + Int(firstBody.2)! == big.utf8.count)
        #expect(kept > 16_000 && kept < 16 * 1024)
        let showsFourth = out.contains("GET http://127.0.0.1:8080/big4")
        #expect(showsFourth, "capping each body first keeps later exchanges visible")
    }
}
