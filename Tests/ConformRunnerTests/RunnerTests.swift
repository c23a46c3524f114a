import ConformHTTP
import ConformJSON
import ConformRunner
import ConformScenario
import ConformTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct RunnerTests {
    @Test func aConformingServerPassesEveryCheck() async throws {
        let server = try ScriptedServer { r in
            json(["id": "t1", "name": "x", "list": [1, 2]], headers: [("X-Trace", "abc")])
        }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "read", "request": {"method": "GET", "path": "/tokens/t1", "headers": {"X-Req": "1"}},
             "expect": {"status": 200, "headers": {"X-Trace": {"equals": "abc"}, "X-Missing": {"absent": true}},
                        "body": {"/id": "t1", "/list": {"length": 2}, "$.list[0]": 1}}}
            """), baseURL: server.baseURL)
        #expect(result.steps.map(\.outcome.isPassed) == [true])
        #expect(server.requests.first?.header("X-Req") == "1")
        #expect(server.requests.first?.header("Accept") == "application/json")
    }

    @Test func eachKindOfFailureIsReportedWithExpectedAndActual() async throws {
        let server = try ScriptedServer { _ in json(["id": "t2", "n": 3], status: 500, headers: [("X-A", "b")]) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "check", "request": {"method": "GET", "path": "/x"},
             "expect": {"status": [200, 201], "headers": {"X-A": {"equals": "c"}},
                        "body": {"/id": "t1", "/n": {"type": "string"}, "/missing": {"exists": true}}},
             "capture": {"nope": "/nothing"}}
            """), baseURL: server.baseURL)
        let failures = result.steps[0].outcome.failures
        #expect(failures.map(\.kind) == ["status", "header", "body", "body", "body", "capture"])
        #expect(failures[0].message.hasPrefix("expected status 200 or 201, got 500"))
        #expect(failures[0].expected == "200 or 201")
        #expect(failures[1].message == "header X-A: expected \"c\", got \"b\"")
        #expect(failures[2].actual == "\"t2\"")
        #expect(failures[3].message.contains("expected type string, got integer 3"))
        #expect(failures[4].message.contains("/missing: expected to exist"))
        #expect(failures[5].message.contains("cannot capture 'nope'"))
    }

    @Test func stepsAfterAFailureAreSkippedAndCleanupStillRuns() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "a"}},
             "expect": {"status": 201}, "capture": {"id": "/id"}},
            {"name": "wrong expectation", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"status": 418}},
            {"name": "never runs", "request": {"method": "GET", "path": "/tokens/{{id}}"}}
            """, cleanup: """
            {"name": "delete", "request": {"method": "DELETE", "path": "/tokens/{{id}}"}, "expect": {"status": [204, 404]}},
            {"name": "uses an uncaptured var", "request": {"method": "GET", "path": "/other/{{later}}"}}
            """.replacingOccurrences(of: "{{later}}", with: "x")), baseURL: server.baseURL)
        #expect(result.steps.count == 5)
        #expect(result.steps[0].outcome.isPassed)
        #expect(!result.steps[1].outcome.failures.isEmpty)
        #expect(result.steps[2].outcome.skipReason == "not run: step 02 failed")
        #expect(result.steps[3].phase == .cleanup)
        #expect(result.steps[3].outcome.isPassed)
        #expect(api.count == 0)
        #expect(server.requests.map(\.method) == ["POST", "GET", "DELETE", "GET"])
    }

    @Test func theLedgerDeletesWhatNoStepDeleted() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "create three", "repeat": 3, "request": {"method": "POST", "path": "/tokens", "json": {"name": "n{{iteration}}"}},
             "expect": {"status": 201}, "capture": {"ids": "/id"},
             "creates": {"method": "DELETE", "path": "/tokens/{{ids}}"}},
            {"name": "delete the first by hand", "request": {"method": "DELETE", "path": "/tokens/t1"}, "expect": {"status": 204}},
            {"name": "fail on purpose", "request": {"method": "GET", "path": "/tokens/t2"}, "expect": {"status": 404}}
            """), baseURL: server.baseURL)
        #expect(result.steps[0].outcome.isPassed)
        #expect(!result.steps[2].outcome.failures.isEmpty)
        #expect(api.count == 0, "the ledger must delete t2 and t3")
        let deletes = server.requests.filter { $0.method == "DELETE" }.map(\.target)
        #expect(deletes == ["/tokens/t1", "/tokens/t3", "/tokens/t2"], "t1 settled by the step, the rest newest first")
    }

    /// `--repeat 3`: three copies run at once, each with its own name and {{run.id}}, and each deletes
    /// (through the ledger) exactly what it created, while the others are still running.
    @Test func repeatedScenariosRunAsCopiesThatCleanUpTheirOwnResources() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let run = try await run([scenario("""
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "n-{{run.id}}"}},
             "expect": {"status": 201, "body": {"/name": "n-{{run.id}}"}}, "capture": {"id": "/id"},
             "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}},
            {"name": "read", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"status": 200}}
            """)], baseURL: server.baseURL) { $0.repeats = 3; $0.runID = "runid" }
        #expect(run.scenarios.map(\.name) == (1...3).map { "test (repeat \($0) of 3)" })
        #expect(run.scenarios.allSatisfy { $0.steps.allSatisfy { $0.outcome.isPassed } }, "\(run.scenarios.map { $0.steps.map(\.outcome) })")
        #expect(run.runID == "runid")
        let created = server.requests.filter { $0.method == "POST" }.compactMap { try? JSONParser.value($0.body)["name"]?.stringValue }
        #expect(created.sorted() == ["n-runid1", "n-runid2", "n-runid3"])  // one digit: N = 3
        // Each copy deleted one token, and each token was deleted once.
        let deletes = server.requests.filter { $0.method == "DELETE" }.map(\.target)
        #expect(deletes.sorted() == ["/tokens/t1", "/tokens/t2", "/tokens/t3"])
        #expect(api.count == 0)
    }

    /// Twelve copies: run ids padded to two digits (none a prefix of another); a serial scenario's
    /// copies run too, after the others, one at a time.
    @Test func repeatedCopiesGetPaddedRunIDsAndSerialScenariosRepeat() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let step = """
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "NAME-{{run.id}}"}},
             "expect": {"status": 201}, "capture": {"id": "/id"}, "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}}
            """
        let run = try await run([scenario(step.replacingOccurrences(of: "NAME", with: "p")),
                                 scenario(step.replacingOccurrences(of: "NAME", with: "s"), extra: #", "serial": true"#)],
                                baseURL: server.baseURL) { $0.repeats = 12; $0.runID = "id" }
        #expect(run.scenarios.count == 24)
        #expect(run.scenarios.allSatisfy { $0.steps.allSatisfy { $0.outcome.isPassed } })
        let names = server.requests.filter { $0.method == "POST" }.compactMap { try? JSONParser.value($0.body)["name"]?.stringValue }
        let ids = (1...12).map { String(format: "id%02d", $0) }
        #expect(Set(names.filter { $0.hasPrefix("p-") }) == Set(ids.map { "p-" + $0 }))
        // The serial copies were sent last, in order.
        #expect(Array(names.suffix(12)) == ids.map { "s-" + $0 })
        #expect(api.count == 0)
    }

    @Test func repeatCollectsCapturesIntoArrays() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "create", "repeat": 2, "request": {"method": "POST", "path": "/tokens", "json": {"name": "n{{iteration}}"}},
             "capture": {"ids": "/id"}, "creates": {"method": "DELETE", "path": "/tokens/{{ids}}"}},
            {"name": "list", "request": {"method": "GET", "path": "/tokens"},
             "expect": {"body": {"$.items[*].id": "{{ids}}", "/total": 2}}}
            """), baseURL: server.baseURL)
        #expect(result.steps.allSatisfy { $0.outcome.isPassed }, "\(result.steps.map(\.outcome))")
    }

    @Test func aTimeoutIsAnErrorAndTheRunGoesOn() async throws {
        let server = try ScriptedServer { c in
            guard let r = try c.readRequest() else { return }
            if r.target == "/slow" { try c.sleep(.seconds(120)) }  // cut short by server.stop()
            try c.respond(status: 200, text: "{}")
        }
        defer { server.stop() }
        let start = ContinuousClock.now
        let results = try await run([
            scenario(#"{"name": "slow", "request": {"method": "GET", "path": "/slow", "timeout": 0.5}}, {"name": "after", "request": {"method": "GET", "path": "/fast"}}"#),
            scenario(#"{"name": "fast", "request": {"method": "GET", "path": "/fast"}}"#),
        ], baseURL: server.baseURL)
        // The slow server alone takes 120 s; the bound is loose because CI machines are busy.
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(results.scenarios[0].steps[0].outcome.error?.kind == "timeout")
        #expect(results.scenarios[0].steps[1].outcome.skipReason == "not run: step 01 could not be performed")
        #expect(results.scenarios[1].steps[0].outcome.isPassed)
    }

    @Test func connectionRefusedIsAClearError() async throws {
        let port = try ScriptedServer.unusedPort()
        let result = try await run(scenario(#"{"name": "x", "request": {"method": "GET", "path": "/x"}}"#),
                                   baseURL: "http://127.0.0.1:\(port)")
        let error = try #require(result.steps[0].outcome.error)
        #expect(error.kind == "connection")
        #expect(error.message.contains("refused"))
    }

    @Test func retriesHonourRetryAfter() async throws {
        let counter = Counter()
        let flaky = try ScriptedServer { _ in
            counter.next() == 1 ? Reply(status: 429, headers: [("Retry-After", "1")], text: "{}") : Reply(status: 200, text: "{\"ok\": true}")
        }
        defer { flaky.stop() }
        let start = ContinuousClock.now
        let result = try await run(scenario(#"{"name": "x", "request": {"method": "GET", "path": "/x"}, "expect": {"status": 200}}"#),
                                   baseURL: flaky.baseURL)
        #expect(result.steps[0].outcome.isPassed)
        #expect(flaky.requests.count == 2)
        #expect(ContinuousClock.now - start >= .seconds(1))
        #expect(result.steps[0].exchanges.count == 2)
    }

    @Test func aOneTimeSecretDisclosedAgainFailsNamingThePlace() async throws {
        let api = TinyTokenAPI(leakSecretOnGet: true)
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "a"}},
             "oneTimeSecret": {"pointer": "/secret", "pattern": "^sekret-"}, "capture": {"id": "/id"},
             "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}},
            {"name": "read", "request": {"method": "GET", "path": "/tokens/{{id}}"}}
            """), baseURL: server.baseURL)
        #expect(result.steps[0].outcome.isPassed)
        let failure = try #require(result.steps[1].outcome.failures.first)
        #expect(failure.kind == "secret")
        #expect(failure.message.contains("disclosed again in the body at /secret"))
        #expect(api.count == 0)
    }

    @Test func aSecretThatDoesNotMatchItsPatternFails() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "a"}},
             "oneTimeSecret": {"pointer": "/secret", "pattern": "^dckr_oat_"}, "capture": {"id": "/id"},
             "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}}
            """), baseURL: server.baseURL)
        let failure = try #require(result.steps[0].outcome.failures.first)
        #expect(failure.message.contains("does not match /^dckr_oat_/"))
    }

    @Test func redirectsToAnotherHostDropCredentials() async throws {
        let target = try ScriptedServer { _ in json(["landed": true]) }
        defer { target.stop() }
        let origin = try ScriptedServer { _ in Reply(status: 302, headers: [("Location", target.url("/landing"))]) }
        defer { origin.stop() }
        let result = try await run(scenario("""
            {"name": "follow", "request": {"method": "GET", "path": "/start", "followRedirects": true,
             "auth": {"bearer": "top-secret-token"}}, "expect": {"status": 200, "body": {"/landed": true}}}
            """), baseURL: origin.baseURL)
        #expect(result.steps[0].outcome.isPassed)
        #expect(origin.requests.first?.header("Authorization") == "Bearer top-secret-token")
        #expect(target.requests.first?.header("Authorization") == nil)
    }

    @Test func aRedirectLoopIsAnError() async throws {
        let server = try ScriptedServer { r in Reply(status: 302, headers: [("Location", r.target == "/a" ? "/b" : "/a")]) }
        defer { server.stop() }
        let result = try await run(scenario(#"{"name": "loop", "request": {"method": "GET", "path": "/a", "followRedirects": true}}"#),
                                   baseURL: server.baseURL)
        #expect(result.steps[0].outcome.error?.kind == "protocol")
        #expect(server.requests.count <= 11)
    }

    @Test func authSchemesAreSentAsTheTargetAPIsExpect() async throws {
        let server = try ScriptedServer { _ in json([:]) }
        defer { server.stop() }
        _ = try await run(scenario("""
            {"name": "basic", "request": {"method": "GET", "path": "/a", "auth": {"basic": {"username": "u", "password": "{{pw}}"}}}},
            {"name": "header", "request": {"method": "GET", "path": "/b", "auth": {"header": {"name": "Xms-Auth-Token", "value": "k1"}}}},
            {"name": "query", "request": {"method": "GET", "path": "/c", "query": {"a": "x y"}, "auth": {"query": {"name": "token", "value": "k/2"}}}},
            {"name": "none", "request": {"method": "GET", "path": "/d", "auth": "none"}}
            """, extra: #", "requires": ["pw"], "defaults": {"auth": {"bearer": "dflt"}}"#), baseURL: server.baseURL,
            variables: ["pw": "p:w"])
        let r = server.requests
        #expect(r.count == 4)
        #expect(r[0].header("Authorization") == "Basic " + Data("u:p:w".utf8).base64EncodedString())
        #expect(r[1].header("Xms-Auth-Token") == "k1")
        #expect(r[1].header("Authorization") == nil)
        #expect(r[2].target == "/c?a=x%20y&token=k%2F2")
        #expect(r[3].header("Authorization") == nil)
    }

    @Test func sameAsComparesWithAnEarlierStep() async throws {
        let counter = Counter()
        let server = try ScriptedServer { _ in json(["label": counter.next() == 1 ? "new" : "old", "x": 1]) }
        defer { server.stop() }
        let result = try await run(scenario("""
            {"id": "patch", "name": "patch", "request": {"method": "PATCH", "path": "/t", "json": {"label": "new"}}},
            {"name": "get", "request": {"method": "GET", "path": "/t"}, "expect": {"sameAs": {"step": "patch", "fields": ["/label", "/x"]}}}
            """), baseURL: server.baseURL)
        let failure = try #require(result.steps[1].outcome.failures.first)
        #expect(failure.kind == "lifecycle")
        #expect(failure.message == "/label: \"old\" differs from step 'patch', which returned \"new\"")
    }

    @Test func aMissingRequiredVariableStopsTheScenarioBeforeSending() async throws {
        let server = try ScriptedServer { _ in json([:]) }
        defer { server.stop() }
        let result = try await run(scenario(#"{"name": "x", "request": {"method": "GET", "path": "/{{org}}"}}"#, extra: #", "requires": ["org"]"#),
                                   baseURL: server.baseURL)
        #expect(result.steps[0].outcome.error?.message.contains("'org'") == true)
        #expect(server.requests.isEmpty)
    }

    @Test func concurrentScenariosKeepTheirOwnCaptures() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let text = scenario("""
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "{{mine}}"}},
             "capture": {"id": "/id"}, "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}},
            {"name": "read mine", "request": {"method": "GET", "path": "/tokens/{{id}}"}, "expect": {"body": {"/name": "{{mine}}"}}}
            """, extra: #", "variables": {"mine": "{{uuid}}"}"#)
        let results = try await run(Array(repeating: text, count: 64), baseURL: server.baseURL) { $0.jobs = 64 }
        #expect(results.scenarios.count == 64)
        #expect(results.counts.passed == 128, "\(results.counts)")
        #expect(api.count == 0)
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

@Suite struct TranscriptEventTests {
    /// `-v` prints exchanges as events arrive: by then the step's new secret must already be known.
    @Test func exchangeEventsComeAfterTheStepRegisteredItsSecrets() async throws {
        let api = TinyTokenAPI()
        let server = try ScriptedServer { api.handle($0) }
        defer { server.stop() }
        let scenario = try ScenarioLoader.load(text: scenario("""
            {"name": "create", "request": {"method": "POST", "path": "/tokens", "json": {"name": "a"}},
             "oneTimeSecret": {"pointer": "/secret"}, "capture": {"id": "/id"},
             "creates": {"method": "DELETE", "path": "/tokens/{{id}}"}}
            """))
        let client = HTTPClient()
        defer { client.shutdown() }
        let runner = Runner(configuration: RunConfiguration(baseURL: server.baseURL), client: client)
        let masked = Mutex<[String]>([])
        _ = await runner.run([scenario]) { event in
            if case .exchange(_, _, let x) = event, x.method == "POST" {
                masked.withLock { $0.append(runner.secrets.redactor.mask(bytes: x.responseBody)) }
            }
        }
        let texts = masked.withLock { $0 }
        #expect(texts.count == 1)
        #expect(texts.first?.contains("<secret:one-time secret>") == true, "\(texts)")
        #expect(texts.first?.contains("sekret-") == false)
    }
}
