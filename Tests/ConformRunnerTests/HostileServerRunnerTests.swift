import ConformHTTP
import ConformJSON
import ConformReports
import ConformRunner
import ConformScenario
import ConformTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Synchronization
import Testing

/// One run, one scenario per hostile behaviour plus a well-behaved one, all over real HTTP on
/// 127.0.0.1. Transport problems are errors (`<error>`), answers that break the contract are
/// failures (`<failure>`), the run goes on, and cleanup still deletes what each scenario created.
@Suite struct HostileServerRunnerTests {
    /// What the hostile routes did, for assertions about the client's side.
    final class Log: Sendable {
        let hugeBytesSent = Mutex(0)
        let http10Connections = Mutex<[Int]>([])
    }

    /// `/tokens…` is a well-behaved token API; `/h/…` misbehave, each in its own way.
    static func handler(api: TinyTokenAPI, log: Log) -> ScriptedServer.Handler {
        { connection in
            while let request = try connection.readRequest(timeout: .seconds(30)) {
                let path = String(request.target.split(separator: "?", maxSplits: 1).first ?? "")
                switch path {
                case "/h/reset":  // a response that begins, then a TCP RST in the middle of the body
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    try connection.write(Array(#"{"ok": true, "pad": ""#.utf8) + [UInt8](repeating: 0x61, count: 1000))
                    try connection.sleep(.milliseconds(50))
                    connection.reset()
                    return
                case "/h/hang":  // accepts, reads the request, never answers
                    try connection.sleep(.seconds(30))  // ends early when the test stops the server
                    return
                case "/h/drip":  // one byte every 20 ms: 20 s for the whole body
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
                    for _ in 0..<1000 {
                        try connection.write([0x20])
                        try connection.sleep(.milliseconds(20))
                    }
                    return
                case "/h/huge":  // 100 MiB, streamed without a declared length
                    try connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    let payload = [UInt8](repeating: 0x20, count: 64 * 1024)
                    let chunk = Array("10000\r\n".utf8) + payload + Array("\r\n".utf8)
                    for _ in 0..<1600 {
                        try connection.write(chunk, timeout: .seconds(5))
                        log.hugeBytesSent.withLock { $0 += payload.count }
                    }
                    try connection.write("0\r\n\r\n")
                case "/h/utf8":  // JSON-looking, but a Latin-1 byte where UTF-8 is required
                    try connection.respond(status: 200, headers: [("Content-Type", "application/json")],
                                           body: Array(#"{"ok": true, "name": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8))
                case "/h/html":  // says JSON, sends an HTML error page
                    try connection.respond(status: 200, headers: [("Content-Type", "application/json")],
                                           text: "<html><body><h1>502 Bad Gateway</h1></body></html>")
                case "/h/ctype":  // valid JSON under the wrong media type
                    try connection.respond(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")],
                                           text: #"{"ok": true}"#)
                case "/h/http10":  // HTTP/1.0, no keep-alive, no length: the body ends when the connection closes
                    log.http10Connections.withLock { $0.append(connection.index) }
                    try connection.write("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"ok\": true, \"via\": \"1.0\"}")
                    connection.close()
                    return
                case "/h/loop-a", "/h/loop-b":
                    try connection.respond(status: 302, headers: [("Location", path == "/h/loop-a" ? "/h/loop-b" : "/h/loop-a")])
                default:
                    let reply = api.handle(request)
                    try connection.respond(status: reply.status, headers: reply.headers, body: reply.body)
                }
            }
        }
    }

    /// A scenario that creates a token on the good API, then meets `hostile`; the cleanup step deletes the token.
    static func hostileScenario(_ name: String, _ hostile: String, cleanupStep: Bool = true) -> String {
        var s = #"""
        {"conform": 1, "name": "\#(name)", "requires": ["refused"],
         "steps": [
           {"name": "create a token", "request": {"method": "POST", "path": "/tokens", "json": {"name": "\#(name)"}},
            "expect": {"status": 201, "body": {"/name": "\#(name)"}}, "capture": {"id": "/id"},
            "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}},
           {"name": "meet the hostile server", "request": \#(hostile),
            "expect": {"status": 200, "body": {"/ok": true}}},
           {"name": "read the token back", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"status": 200}}
         ]
        """#
        if cleanupStep {
            s += #"""
            , "cleanup": [{"name": "delete the token", "request": {"method": "DELETE", "path": "/tokens/{{id}}"},
                           "expect": {"status": [204, 404]}}]
            """#
        }
        return s + "}"
    }

    static let wellBehaved = #"""
    {"conform": 1, "name": "well-behaved",
     "steps": [
       {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "good"}},
        "expect": {"status": 201, "headers": {"Content-Type": {"matches": "^application/json"}}, "body": {"/name": "good"}},
        "oneTimeSecret": {"pointer": "/secret", "pattern": "^sekret-"}, "capture": {"id": "/id"},
        "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}},
       {"name": "read", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"status": 200, "body": {"/id": "{{id}}", "/secret": {"absent": true}}}},
       {"name": "read again", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"status": 200, "body": {"/name": "good"}}},
       {"name": "delete", "request": {"method": "DELETE", "path": "/tokens/{{id}}"}, "expect": {"status": 204}},
       {"name": "gone", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"status": 404}}
     ],
     "cleanup": [{"name": "delete if left", "request": {"method": "DELETE", "path": "/tokens/{{id}}"}, "expect": {"status": [204, 404]}}]}
    """#

    /// Expected outcome of the hostile step of each scenario, in run order.
    enum Expected {
        case error(kind: String, junitType: String, message: String)
        case failure(kind: String, junitType: String, message: String)
        case passes
    }

    @Test func everyHostileBehaviourInOneRunIsClassifiedAndTheRunGoesOn() async throws {
        let api = TinyTokenAPI()
        let log = Log()
        let server = try ScriptedServer(handler: Self.handler(api: api, log: log))
        defer { server.stop() }
        let refused = "http://127.0.0.1:\(try ScriptedServer.unusedPort())"

        let cases: [(name: String, request: String, expected: Expected)] = [
            ("connection refused", #"{"method": "GET", "url": "{{refused}}/x"}"#,
             .error(kind: "connection", junitType: "ConnectionError", message: "connection refused by 127.0.0.1:")),
            ("reset mid-body", #"{"method": "GET", "path": "/h/reset"}"#,
             .error(kind: "connection", junitType: "ConnectionError", message: "connection reset by the server")),
            ("never answers", #"{"method": "GET", "path": "/h/hang", "timeout": 0.5}"#,
             .error(kind: "timeout", junitType: "StepTimeout", message: "timed out after 500 ms waiting for the response")),
            ("slow drip", #"{"method": "GET", "path": "/h/drip", "timeout": 0.5}"#,
             .error(kind: "timeout", junitType: "StepTimeout", message: "timed out after 500 ms receiving the response body")),
            ("100 MiB body", #"{"method": "GET", "path": "/h/huge"}"#,
             .error(kind: "protocol", junitType: "ProtocolError",
                    message: "response body larger than the limit of \(16 << 20) bytes; transfer aborted")),
            ("invalid UTF-8", #"{"method": "GET", "path": "/h/utf8"}"#,
             .failure(kind: "body", junitType: "BodyMismatch",
                      message: "response body is not JSON: 1:26: invalid UTF-8 sequence starting with byte 0xE9")),
            ("not JSON", #"{"method": "GET", "path": "/h/html"}"#,
             .failure(kind: "body", junitType: "BodyMismatch", message: "response body is not JSON: 1:1: ")),
            ("wrong Content-Type", #"{"method": "GET", "path": "/h/ctype"}"#,
             .failure(kind: "header", junitType: "HeaderMismatch",
                      message: #"Content-Type is "text/plain; charset=utf-8", but the body must be JSON"#)),
            ("HTTP/1.0 without keep-alive", #"{"method": "GET", "path": "/h/http10"}"#, .passes),
            ("redirect loop", #"{"method": "GET", "path": "/h/loop-a", "followRedirects": true}"#,
             .error(kind: "protocol", junitType: "ProtocolError", message: "redirect loop: ")),
        ]
        // Two scenarios rely on the cleanup ledger alone, without a cleanup step.
        let ledgerOnly: Set<String> = ["never answers", "redirect loop"]
        var texts = cases.map { Self.hostileScenario($0.name, $0.request, cleanupStep: !ledgerOnly.contains($0.name)) }
        // HTTP/1.0: three requests, each must get its own connection.
        texts[8] = texts[8].replacingOccurrences(of: #""name": "read the token back""#, with: #"""
            "name": "HTTP/1.0 again", "request": {"method": "GET", "path": "/h/http10"}, "expect": {"body": {"/via": "1.0"}}},
            {"name": "HTTP/1.0 a third time", "request": {"method": "GET", "path": "/h/http10"}, "expect": {"body": {"/via": "1.0"}}},
            {"name": "read the token back"
            """#)
        texts.append(Self.wellBehaved)

        let started = ContinuousClock.now
        let result = try await run(texts, baseURL: server.baseURL, variables: ["refused": .string(refused)]) { $0.jobs = texts.count }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(60), "bounded: the slowest hostile step has a 0.5 s timeout; took \(elapsed)")

        // No lost results: every scenario is there, in order, with all its steps.
        #expect(result.scenarios.map(\.name) == cases.map(\.name) + ["well-behaved"])
        #expect(!result.interrupted)

        for (i, c) in cases.enumerated() {
            let s = result.scenarios[i]
            let hostile = try #require(s.steps.first { $0.name == "meet the hostile server" }, "\(c.name)")
            #expect(s.steps[0].outcome.isPassed, "\(c.name): the token is created first")
            switch c.expected {
            case .error(let kind, _, let message):
                let error = try #require(hostile.outcome.error, "\(c.name): expected an error, got \(hostile.outcome)")
                #expect(error.kind == kind, "\(c.name): \(error)")
                #expect(error.message.contains(message), "\(c.name): \(error.message)")
                #expect(hostile.outcome.failures.isEmpty)
                let next = try #require(s.steps.first { $0.name == "read the token back" })
                #expect(next.outcome.skipReason == "not run: step 02 could not be performed", "\(c.name)")
                #expect(s.verdict == .error)
            case .failure(let kind, _, let message):
                let failures = hostile.outcome.failures
                #expect(failures.map(\.kind) == [kind], "\(c.name): \(failures)")
                #expect(failures.first?.message.hasPrefix(message) == true, "\(c.name): \(failures.first?.message ?? "none")")
                #expect(hostile.outcome.error == nil, "\(c.name): the server answered; that is a failure, not an error")
                let next = try #require(s.steps.first { $0.name == "read the token back" })
                #expect(next.outcome.skipReason == "not run: step 02 failed", "\(c.name)")
                #expect(s.verdict == .failed)
            case .passes:
                let notPassed = s.steps.filter { $0.phase == .main && !$0.outcome.isPassed }.map { "\($0.name): \($0.outcome)" }
                #expect(notPassed.isEmpty, "\(c.name): \(notPassed)")
                #expect(s.verdict == .passed)
            }
            // Cleanup still ran: the cleanup step passed, or (without one) the ledger deleted the token silently.
            let cleanup = s.steps.filter { $0.phase == .cleanup }
            if ledgerOnly.contains(c.name) {
                #expect(cleanup.isEmpty, "\(c.name): the ledger's delete succeeded, so it adds no step: \(cleanup.map(\.name))")
            } else {
                #expect(cleanup.map(\.name) == ["delete the token"], "\(c.name)")
                #expect(cleanup.first?.outcome.isPassed == true, "\(c.name): \(String(describing: cleanup.first?.outcome))")
            }
        }
        let good = result.scenarios[cases.count]
        let goodNotPassed = good.steps.filter { !$0.outcome.isPassed }.map { "\($0.name): \($0.outcome)" }
        #expect(goodNotPassed.isEmpty, "\(goodNotPassed)")
        #expect(good.steps.count == 6)
        #expect(api.count == 0, "every token created by the run was deleted")
        let deletes = server.requests.filter { $0.method == "DELETE" }.count
        #expect(deletes >= cases.count + 1)

        // Bounded memory: the client dropped the 100 MiB body at the cap, and results keep no more than the transcript cap.
        let sent = log.hugeBytesSent.withLock { $0 }
        #expect(sent < 48 << 20, "the server could send \(sent) bytes: the client kept reading")
        let largestKept = result.scenarios.flatMap(\.steps).flatMap(\.exchanges).map(\.responseBody.count).max() ?? 0
        #expect(largestKept <= 64 << 10)
        // HTTP/1.0 without keep-alive: three requests, three connections (a closed one is never reused).
        let http10 = log.http10Connections.withLock { $0 }
        #expect(http10.count == 3 && Set(http10).count == 3, "\(http10)")

        // The JUnit report: <error> for transport problems, <failure> for wrong answers, in the hostile step.
        let path = Self.outputPath("TEST-hostile-run.xml")
        try JUnitReport.write(result, to: path)
        let doc = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
        let suites = try doc.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
        #expect(suites.count == cases.count + 1)
        for (i, c) in cases.enumerated() where i < suites.count {
            let testcases = try suites[i].nodes(forXPath: "testcase").compactMap { $0 as? XMLElement }
            let hostileCase = try #require(testcases.first { $0.attribute(forName: "name")?.stringValue?.contains("meet the hostile server") == true })
            let errors = try hostileCase.nodes(forXPath: "error").compactMap { $0 as? XMLElement }
            let failures = try hostileCase.nodes(forXPath: "failure").compactMap { $0 as? XMLElement }
            switch c.expected {
            case .error(_, let type, let message):
                #expect(errors.count == 1 && failures.isEmpty, "\(c.name)")
                #expect(errors.first?.attribute(forName: "type")?.stringValue == type, "\(c.name)")
                #expect(errors.first?.attribute(forName: "message")?.stringValue?.contains(message) == true, "\(c.name)")
            case .failure(_, let type, let message):
                #expect(failures.count == 1 && errors.isEmpty, "\(c.name)")
                #expect(failures.first?.attribute(forName: "type")?.stringValue == type, "\(c.name)")
                #expect(failures.first?.attribute(forName: "message")?.stringValue?.hasPrefix(message) == true, "\(c.name)")
            case .passes:
                #expect(errors.isEmpty && failures.isEmpty, "\(c.name)")
            }
            // Nothing else in the scenario is a failure or an error: the problem is pinned to the hostile step.
            #expect(try suites[i].nodes(forXPath: "testcase/error").count == errors.count, "\(c.name)")
            #expect(try suites[i].nodes(forXPath: "testcase/failure").count == failures.count, "\(c.name)")
        }
        if suites.count == cases.count + 1 {
            #expect(try suites[cases.count].nodes(forXPath: "testcase/error | testcase/failure | testcase/skipped").isEmpty)
        }
        let errorCount = cases.filter { if case .error = $0.expected { true } else { false } }.count
        let failureCount = cases.filter { if case .failure = $0.expected { true } else { false } }.count
        let root = try #require(doc.rootElement())
        #expect(root.attribute(forName: "errors")?.stringValue == String(errorCount))
        #expect(root.attribute(forName: "failures")?.stringValue == String(failureCount))
        #expect(try doc.nodes(forXPath: "//error").count == errorCount)
        #expect(try doc.nodes(forXPath: "//failure").count == failureCount)
    }

    /// The Content-Type rule is not stricter than HTTP: parameters, case and `+json` types are JSON, a missing
    /// header is read as JSON; only a declared non-JSON type fails, and only when the step reads the body.
    @Test func jsonMediaTypesAreRecognisedWithParametersAndSuffixes() async throws {
        let server = try ScriptedServer { r in
            let type = String(r.target.dropFirst()).removingPercentEncoding ?? ""
            return Reply(status: 200, headers: type == "none" ? [] : [("Content-Type", type)], text: #"{"ok": true}"#)
        }
        defer { server.stop() }
        func outcome(_ type: String, readsBody: Bool = true) async throws -> StepOutcome {
            let path = "/" + (type.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? type)
            let expect = readsBody ? #", "expect": {"body": {"/ok": true}}"# : ""
            return try await run(scenario(#"{"name": "x", "request": {"method": "GET", "path": "\#(path)"}\#(expect)}"#),
                                 baseURL: server.baseURL).steps[0].outcome
        }
        for type in ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/problem+json",
                     "application/vnd.api+json ; charset=UTF-8", "none"] {
            #expect(try await outcome(type).isPassed, "\(type)")
        }
        for type in ["text/html", "text/json", "application/xml", "application/jsonx", "text/plain; charset=utf-8"] {
            #expect(try await outcome(type).failures.map(\.kind) == ["header"], "\(type)")
            #expect(try await outcome(type, readsBody: false).isPassed, "\(type): a step that does not read the body does not care")
        }
    }

    /// `reports/test-output/NAME` in the repository, created if needed (scripts/test checks every file there).
    static func outputPath(_ name: String) -> String {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.appendingPathComponent("reports/test-output")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }
}
