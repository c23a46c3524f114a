import ConformRunner
import Foundation
import FoundationXML

/// Hand-built results and helpers shared by the report tests.
enum Fixture {
    /// 2025-01-31T12:34:56Z
    static let start = Date(timeIntervalSince1970: 1_738_326_896)

    static func exchange(_ method: String = "GET", _ url: String, status: Int? = 200, body: String = "",
                         requestHeaders: [(name: String, value: String)] = [], requestBody: String = "",
                         responseHeaders: [(name: String, value: String)] = [("content-type", "application/json")],
                         error: String? = nil) -> Exchange {
        Exchange(method: method, url: url, requestHeaders: requestHeaders, requestBody: Array(requestBody.utf8),
                 status: status, responseHeaders: status == nil ? [] : responseHeaders, responseBody: Array(body.utf8),
                 duration: 0.012, error: error)
    }

    static func step(_ index: Int, _ name: String, line: Int, _ outcome: StepOutcome = .passed,
                     duration: Double = 0.25, exchanges: [Exchange] = []) -> StepResult {
        StepResult(index: index, name: name, phase: .main, line: line, duration: duration, outcome: outcome, exchanges: exchanges)
    }

    static func scenario(_ file: String, _ name: String, _ steps: [StepResult], tags: [String] = []) -> ScenarioResult {
        ScenarioResult(file: file, name: name, tags: tags, startedAt: start, duration: steps.reduce(0) { $0 + $1.duration },
                       steps: steps)
    }

    static func run(_ scenarios: [ScenarioResult], secrets: [KnownSecret] = [], interrupted: Bool = false,
                    properties: [(name: String, value: String)] = [("conform.version", "0.1.0"), ("base_url", "http://127.0.0.1:8080")])
        -> RunResult {
        RunResult(runID: "run-1", startedAt: start, duration: scenarios.reduce(0) { $0 + $1.duration }, properties: properties,
                  scenarios: scenarios, interrupted: interrupted, secrets: secrets)
    }

    /// A run with a passing, a failing, an erroring and a skipped step across three scenario files.
    static func mixed(prefix: String) -> RunResult {
        let lifecycle = scenario("scenarios/\(prefix)/dockerhub/lifecycle.json", "Docker Hub lifecycle", [
            step(1, "create a token", line: 12, exchanges: [exchange("POST", "http://127.0.0.1:8080/v2/access-tokens", status: 201,
                                                                     body: #"{"uuid":"u-1","token":"dckr_oat_x"}"#)]),
            step(2, "read the token", line: 20, .failed([
                CheckFailure(kind: "status", message: "expected status 200, got 404", expected: "200", actual: "404", line: 24),
            ]), exchanges: [exchange("GET", "http://127.0.0.1:8080/v2/access-tokens/u-1", status: 404, body: #"{"error":"not found"}"#)]),
            step(3, "delete the token", line: 30, .skipped(reason: "not run: step 02 failed")),
        ], tags: ["dockerhub", "lifecycle"])
        let ionos = scenario("scenarios/\(prefix)/ionos/tokens.json", "IONOS tokens", [
            step(1, "list tokens", line: 8, .error(StepError(kind: "timeout", message: "no response within 5 s")),
                 exchanges: [exchange("GET", "http://127.0.0.1:8080/tokens", status: nil, error: "timeout after 5000 ms")]),
        ])
        let xms = scenario("scenarios/\(prefix)/xsky/xms.json", "XMS tokens", [
            step(1, "log in", line: 5, exchanges: [exchange("POST", "http://127.0.0.1:8080/api/v1/auth/tokens", status: 200, body: "{}")]),
            step(2, "schema of the token", line: 9, .failed([
                CheckFailure(kind: "schema", message: "/token/expires_at: expected a string, got null", expected: "string", actual: "null"),
                CheckFailure(kind: "header", message: "header Cache-Control missing", expected: "no-store", actual: nil),
            ])),
        ])
        return run([lifecycle, ionos, xms])
    }

    /// `reports/test-output/NAME` in the repository, created if needed.
    static func outputPath(_ name: String) -> String {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.appendingPathComponent("reports/test-output")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// A fresh private directory for files no one else should check.
    static func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-reports-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
}

/// Reading written XML back, as a viewer would.
struct ParsedXML {
    let document: XMLDocument

    init(path: String) throws {
        document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
    }

    func elements(_ xpath: String) throws -> [XMLElement] {
        try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }
}

extension XMLElement {
    subscript(attribute name: String) -> String? { attribute(forName: name)?.stringValue }
    var childElements: [XMLElement] { (children ?? []).compactMap { $0 as? XMLElement } }
    func child(_ name: String) -> XMLElement? { childElements.first { $0.name == name } }
}

/// True when every scalar of the UTF-8 `bytes` is an XML 1.0 character.
func isXML10Text(_ bytes: [UInt8]) -> Bool {
    guard let s = String(validating: bytes, as: UTF8.self) else { return false }
    return s.unicodeScalars.allSatisfy { u in
        let v = u.value
        return v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
    }
}

extension Array where Element == UInt8 {
    func contains(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { i in self[i..<(i + needle.count)].elementsEqual(needle) }
    }
}
