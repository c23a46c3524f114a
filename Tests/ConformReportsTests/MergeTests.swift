@testable import ConformReports
import ConformRunner
import Foundation
import Testing

/// `conform merge`: shard reports become one, with identities kept and totals right.
@Suite struct MergeTests {
    /// Two shard runs: the mixed fixture (pass, failure, error, skip) and the leaky-secret run.
    static func shards(in dir: String) throws -> [String] {
        var a = Fixture.mixed(prefix: "merge")
        a.properties += [("shard", "1/2")]
        var b = SecretTests.leakyRun(prefix: "merge")
        b.runID = "run-2"
        b.properties += [("shard", "2/2"), ("conform.version", "0.1.0")]
        let paths = [dir + "/TEST-shard-1.xml", dir + "/TEST-shard-2.xml"]
        try JUnitReport.write(a, to: paths[0])
        try JUnitReport.write(b, to: paths[1])
        return paths
    }

    /// (classname, name, outcome element) of every testcase.
    func identities(_ xml: ParsedXML) throws -> [String] {
        try xml.elements("//testcase").map { c in
            let outcome = c.childElements.first { ["failure", "error", "skipped"].contains($0.name ?? "") }?.name ?? "passed"
            return "\(c[attribute: "classname"] ?? "")|\(c[attribute: "name"] ?? "")|\(outcome)"
        }.sorted()
    }

    @Test func junitMergeKeepsIdentityAndRecountsTotals() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inputs = try Self.shards(in: dir)
        let output = Fixture.outputPath("TEST-merged.xml")
        let summary = try JUnitMerge.merge(inputs, to: output)

        let merged = try ParsedXML(path: output)
        let parts = try inputs.map(ParsedXML.init(path:))
        #expect(try identities(merged) == (try parts.flatMap(identities)).sorted())
        #expect(try merged.elements("/testsuites/testsuite").map { $0[attribute: "name"] ?? "" }
            == (try parts.flatMap { try $0.elements("/testsuites/testsuite").map { $0[attribute: "name"] ?? "" } }))

        // Totals: 6 + 3 testcases; failures 2 + 1; errors 1 + 1; skipped 1 + 0.
        #expect(summary == JUnitMerge.Summary(reports: 2, suites: 4, tests: 9, failures: 3, errors: 2, skipped: 1))
        let root = try #require(try merged.elements("/testsuites").first)
        #expect(root[attribute: "tests"] == "9" && root[attribute: "failures"] == "3" && root[attribute: "errors"] == "2")
        for suite in try merged.elements("/testsuites/testsuite") {
            let cases = suite.childElements.filter { $0.name == "testcase" }
            func count(_ kind: String) -> String { String(cases.filter { $0.child(kind) != nil }.count) }
            #expect(suite[attribute: "tests"] == String(cases.count))
            #expect(suite[attribute: "failures"] == count("failure") && suite[attribute: "errors"] == count("error")
                    && suite[attribute: "skipped"] == count("skipped"))
        }
    }

    @Test func propertiesAreMergedIntoTheFirstSuiteOnly() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = dir + "/merged.xml"
        try JUnitMerge.merge(try Self.shards(in: dir), to: output)
        let xml = try ParsedXML(path: output)
        #expect(try xml.elements("//properties").count == 1)
        #expect(try xml.elements("/testsuites/testsuite[1]/properties").count == 1)
        var values: [String: String] = [:]
        for p in try xml.elements("//property") { values[p[attribute: "name"] ?? ""] = p[attribute: "value"] }
        #expect(values["shard"] == "1/2, 2/2")
        #expect(values["run.id"] == "run-1, run-2")
        #expect(values["conform.version"] == "0.1.0", "equal values are not repeated")
    }

    @Test func secretsStayMasked() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = dir + "/merged.xml"
        try JUnitMerge.merge(try Self.shards(in: dir), to: output)
        let bytes = Fixture.bytes(output)
        SecretTests().assertClean(bytes)
        #expect(bytes.contains("&lt;secret:dockerhub.token&gt;"))
        #expect(isXML10Text(bytes))
    }

    @Test func theSameSuiteTwiceIsRefusedAndNothingIsWritten() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inputs = try Self.shards(in: dir)
        let output = dir + "/merged.xml"
        #expect {
            try JUnitMerge.merge([inputs[0], inputs[1], inputs[0]], to: output)
        } throws: { error in
            guard case ReportError.invalidReport(let location, let reason)? = error as? ReportError else { return false }
            return location == inputs[0] && reason.contains("suite 'scenarios/merge/dockerhub/lifecycle.json' is also in \(inputs[0])")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func brokenInputsAreNamedWithTheirLine() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let truncated = dir + "/truncated.xml"
        try Data("<?xml version=\"1.0\"?>\n<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\"".utf8)
            .write(to: URL(fileURLWithPath: truncated))
        let html = dir + "/page.xml"
        try Data("<html><body>not a report</body></html>\n".utf8).write(to: URL(fileURLWithPath: html))
        let entity = dir + "/entity.xml"
        try Data("<!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<testsuites><testsuite name=\"e\"><testcase name=\"c\"><system-out>&x;</system-out></testcase></testsuite></testsuites>\n".utf8)
            .write(to: URL(fileURLWithPath: entity))

        #expect {
            try JUnitMerge.merge([truncated], to: dir + "/out.xml")
        } throws: { error in
            guard case ReportError.invalidReport(let location, let reason)? = error as? ReportError else { return false }
            return location.hasPrefix(truncated + ":") && reason.hasPrefix("not well-formed XML")
        }
        #expect(throws: ReportError.invalidReport(location: html + ":1", reason: "not a JUnit report: the root element is <html>, not <testsuites> or <testsuite>")) {
            try JUnitMerge.merge([html], to: dir + "/out.xml")
        }
        // An external entity is neither fetched nor expanded.
        try JUnitMerge.merge([entity], to: dir + "/out.xml")
        #expect(!Fixture.bytes(dir + "/out.xml").contains("root:"))
    }

    @Test func aLoneTestsuiteRootFromAnotherToolIsMerged() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = dir + "/other.xml"
        // Wrong counts on purpose: merge recounts from the children.
        try Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="pytest" tests="7" failures="0" errors="0" skipped="0">
              <properties><property name="python" value="3.11"/></properties>
              <testcase classname="t.test_a" name="test_one" time="0.1"/>
              <testcase classname="t.test_a" name="test_two" time="0.2"><failure message="boom">trace &amp; more</failure></testcase>
              <testcase classname="t.test_a" name="test_three"><skipped/></testcase>
              <testcase classname="t.test_a" name="test_four"><system-out><![CDATA[raw <output>]]></system-out></testcase>
            </testsuite>
            """.utf8).write(to: URL(fileURLWithPath: other))
        let output = dir + "/merged.xml"
        let summary = try JUnitMerge.merge([try Self.shards(in: dir)[0], other], to: output)
        #expect(summary.tests == 10 && summary.failures == 3 && summary.skipped == 2)
        let xml = try ParsedXML(path: output)
        let suite = try #require(try xml.elements("/testsuites/testsuite[@name='pytest']").first)
        #expect(suite[attribute: "tests"] == "4" && suite[attribute: "failures"] == "1" && suite[attribute: "skipped"] == "1")
        #expect(try xml.elements("//failure[@message='boom']").first?.stringValue == "trace & more")
        #expect(try xml.elements("//testcase[@name='test_four']/system-out").first?.stringValue == "raw <output>")
        var values: [String: String] = [:]
        for p in try xml.elements("//property") { values[p[attribute: "name"] ?? ""] = p[attribute: "value"] }
        #expect(values["python"] == "3.11" && values["shard"] == "1/2")
    }

    @Test func jsonMergeCombinesRunsAndRefusesOverlap() throws {
        let a = Fixture.mixed(prefix: "merge-a")
        var b = Fixture.mixed(prefix: "merge-b")
        b.runID = "run-2"
        b.startedAt = a.startedAt.addingTimeInterval(10)
        b.interrupted = true
        let merged = try ReportMerge.merge([("a.json", a), ("b.json", b)])
        #expect(merged.scenarios.map(\.file) == a.scenarios.map(\.file) + b.scenarios.map(\.file))
        #expect(merged.counts.total == a.counts.total + b.counts.total && merged.counts.failed == 4)
        #expect(merged.interrupted)
        #expect(merged.runID == "run-1, run-2")
        #expect(abs(merged.duration - (10 + b.duration)) < 1e-9, "from the first start to the last end")
        #expect(throws: ReportError.self) { try ReportMerge.merge([("a.json", a), ("again.json", a)]) }
    }
}
