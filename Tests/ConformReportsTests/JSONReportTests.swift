@testable import ConformReports
import ConformJSON
import ConformRunner
import Foundation
import Testing

@Suite struct JSONReportTests {
    @Test func roundTripKeepsEverythingJUnitNeeds() throws {
        var original = Fixture.mixed(prefix: "json")
        original.interrupted = true
        original.scenarios[0].steps[0].exchanges[0].requestHeaders = [("Accept", "application/json")]
        let path = Fixture.outputPath("report.json")
        try JSONReport.write(original, to: path)
        let back = try JSONReport.read(path)

        #expect(back.runID == original.runID)
        #expect(back.startedAt == original.startedAt)
        #expect(back.duration == original.duration)
        #expect(back.interrupted)
        #expect(back.properties.map(\.name) == original.properties.map(\.name))
        #expect(back.properties.map(\.value) == original.properties.map(\.value))
        #expect(back.counts == original.counts)
        #expect(back.scenarios.count == original.scenarios.count)
        for (b, o) in zip(back.scenarios, original.scenarios) {
            #expect(b.file == o.file && b.name == o.name && b.tags == o.tags && b.duration == o.duration && b.startedAt == o.startedAt)
            #expect(b.verdict == o.verdict)
            for (bs, os) in zip(b.steps, o.steps) {
                #expect(bs.index == os.index && bs.name == os.name && bs.line == os.line && bs.phase == os.phase && bs.duration == os.duration)
                #expect(describe(bs.outcome) == describe(os.outcome))
                #expect(bs.exchanges.map(\.url) == os.exchanges.map(\.url))
                #expect(bs.exchanges.map(\.status) == os.exchanges.map(\.status))
                // Bodies come back masked: credential fields such as "token" lose their values.
                let masker = Redactor(secrets: original.secrets)
                #expect(bs.exchanges.map { String(decoding: $0.responseBody, as: UTF8.self) } == os.exchanges.map { masker.mask(bytes: $0.responseBody) })
                #expect(bs.exchanges.map(\.error) == os.exchanges.map(\.error))
                #expect(bs.exchanges.flatMap { $0.requestHeaders.map(\.value) } == os.exchanges.flatMap { $0.requestHeaders.map(\.value) })
            }
        }
    }

    @Test func junitRebuiltFromJSONEqualsTheDirectOne() throws {
        let original = SecretTests.leakyRun(prefix: "rebuild")
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try JSONReport.write(original, to: dir + "/r.json")
        try JUnitReport.write(original, to: dir + "/direct.xml")
        try JUnitReport.write(try JSONReport.read(dir + "/r.json"), to: dir + "/rebuilt.xml")
        let direct = Fixture.bytes(dir + "/direct.xml")
        #expect(!direct.isEmpty)
        #expect(direct == Fixture.bytes(dir + "/rebuilt.xml"), "merge can rebuild the same JUnit from JSON reports")
    }

    @Test func documentShape() throws {
        let json = JSONReport.encode(Fixture.mixed(prefix: "shape"))
        #expect(json["format"] == "conform-report")
        #expect(json["version"] == 1)
        #expect(json["run"]?["startedAt"] == "2025-01-31T12:34:56.000Z")
        #expect(json["run"]?["counts"] == ["total": 6, "passed": 2, "failed": 2, "errors": 1, "skipped": 1])
        let step = try #require(json["scenarios"]?.arrayValue?.first?["steps"]?.arrayValue?[1])
        #expect(step["outcome"] == "failed")
        #expect(step["failures"]?.arrayValue?.first?["expected"] == "200")
        #expect(step["error"] == .null && step["skipReason"] == .null)
        #expect(step["exchanges"]?.arrayValue?.first?["responseBodySize"] == 21)
    }

    @Test func bodiesAreCappedButTheirSizeKept() throws {
        let big = String(repeating: "a", count: 5000)
        let s = Fixture.scenario("scenarios/json/big.json", "big", [
            Fixture.step(1, "get", line: 2, exchanges: [Fixture.exchange("GET", "http://127.0.0.1:8080/", body: big)]),
        ])
        let json = JSONReport.encode(Fixture.run([s]), options: JSONReportOptions(maxBodyBytes: 1000))
        let x = try #require(json["scenarios"]?.arrayValue?.first?["steps"]?.arrayValue?.first?["exchanges"]?.arrayValue?.first)
        let body = try #require(x["responseBody"]?.stringValue)
        #expect(body.utf8.count <= 1000 && body.hasSuffix("bytes]"))
        #expect(x["responseBodySize"] == 5000)
    }

    /// The committed JSON Schema and the writer agree on every object's members.
    @Test func schemaFileMatchesTheWriter() throws {
        let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/report.schema.json").path
        let schema = try JSONParser.parse([UInt8](try #require(FileManager.default.contents(atPath: schemaPath))), file: schemaPath).root
        let defs = try #require(schema["$defs"])
        var run = Fixture.mixed(prefix: "schema")
        run.scenarios.append(SecretTests.leakyRun(prefix: "schema").scenarios[0])
        let doc = JSONReport.encode(run)

        func members(_ v: JSON?) -> Set<String> { Set(v?.objectValue?.keys.map { $0 } ?? []) }
        func declared(_ def: JSON?) -> Set<String> { members(def?["properties"]) }
        func required(_ def: JSON?) -> Set<String> { Set(def?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []) }

        #expect(members(doc) == declared(schema) && members(doc) == required(schema))
        let scenario = doc["scenarios"]?.arrayValue?.first
        let failedStep = scenario?["steps"]?.arrayValue?[1]
        let samples: [(String, JSON?)] = [
            ("run", doc["run"]), ("counts", doc["run"]?["counts"]), ("property", doc["run"]?["properties"]?.arrayValue?.first),
            ("scenario", scenario), ("step", failedStep), ("failure", failedStep?["failures"]?.arrayValue?.first),
            ("error", doc["scenarios"]?.arrayValue?[1]["steps"]?.arrayValue?.first?["error"]),
            ("exchange", scenario?["steps"]?.arrayValue?.first?["exchanges"]?.arrayValue?.first),
            ("header", doc["scenarios"]?.arrayValue?[3]["steps"]?.arrayValue?.first?["exchanges"]?.arrayValue?.first?["requestHeaders"]?.arrayValue?.first),
        ]
        for (name, sample) in samples {
            let def = defs[name]
            #expect(def != nil, "schema defines \(name)")
            #expect(members(sample) == declared(def), "members of \(name)")
            #expect(members(sample) == required(def), "every member of \(name) is required")
            #expect(def?["additionalProperties"] == false)
        }
    }

    @Test(arguments: [
        (#"{"format":"other","version":1}"#, "/format: not a conform report"),
        (#"{"format":"conform-report","version":2}"#, "/version: unsupported report version 2"),
        (#"{"format":"conform-report","version":1,"scenarios":[]}"#, "/: missing member 'run'"),
        (#"{"format":"conform-report","version":1,"run":{"id":"r","startedAt":"yesterday","duration":1,"interrupted":false,"properties":[]},"scenarios":[]}"#,
         "/run/startedAt: expected a UTC date-time"),
        ("{\"format\":\"conform-report\",\"version\":1,\n\"run\":{\"id\":\"r\",\"startedAt\":\"2025-01-31T12:34:56Z\",\"duration\":1,\"interrupted\":false,\"properties\":[]},\n\"scenarios\":[{\"file\":\"f\",\"name\":\"n\",\"tags\":[],\"startedAt\":\"2025-01-31T12:34:56Z\",\"duration\":1,\"steps\":[{\"index\":1,\"name\":\"s\",\"phase\":\"main\",\"line\":3,\"duration\":0,\"outcome\":\"maybe\",\"failures\":null,\"error\":null,\"skipReason\":null,\"exchanges\":[]}]}]}",
         "/scenarios/0/steps/0/outcome: expected passed, failed, error or skipped, not 'maybe'"),
        ("{not json", "unexpected character"),
    ])
    func readerNamesTheFault(text: String, expected: String) throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.json"
        try Array(text.utf8).write(to: path)
        do {
            _ = try JSONReport.read(path)
            Issue.record("read accepted an invalid report")
        } catch {
            let message = error.description
            #expect(message.hasPrefix(path + ":"), "the message starts with file:line:column")
            #expect(message.contains(expected))
            if expected.contains("steps/0/outcome") { #expect(message.hasPrefix(path + ":3:")) }
        }
    }

    @Test func readingAMissingFileIsAnIOError() {
        #expect(throws: ReportError.self) { try JSONReport.read("/nonexistent/conform/report.json") }
    }

    func describe(_ o: StepOutcome) -> String {
        switch o {
        case .passed: "passed"
        case .failed(let f): "failed \(f)"
        case .error(let e): "error \(e)"
        case .skipped(let r): "skipped \(r)"
        }
    }
}
