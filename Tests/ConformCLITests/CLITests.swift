import ConformJSON
import ConformMocks
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite(.serialized) struct CLITests {
    @Test func validateReportsOnePreciseErrorPerBrokenFile() async throws {
        // A copy of the corpus, so that its huge file (9 MiB, over the 8 MiB limit) is written here rather than committed.
        let source = CLI.root.appendingPathComponent("Tests/Fixtures/broken")
        let folder = CLI.temporaryDirectory().appendingPathComponent("broken")
        try FileManager.default.copyItem(at: source, to: folder)
        try Data(repeating: UInt8(ascii: " "), count: 9 << 20).write(to: folder.appendingPathComponent("huge.conform.json"))
        let scenarioFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".conform.json") }
        let started = ContinuousClock.now
        let out = try await CLI.run(["validate", folder.path], timeout: .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(60), "validate must not hang")
        #expect(out.status == 2, "exit 2, not a crash:\n\(out.stderr)")
        let expected = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        #expect(expected.count == scenarioFiles.count, "expected.txt has one line per scenario file of the corpus")
        let lines = out.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count, "one line per broken file:\n\(out.stderr)")
        for e in expected {
            let (file, rest) = (e.prefix { $0 != ":" }, e.drop { $0 != ":" })
            #expect(lines.contains { $0.hasPrefix(folder.path + "/" + file) && $0.contains(rest) }, "missing: \(e)\n\(out.stderr)")
        }
        // Every line is FILE:LINE:COLUMN: message.
        for line in lines {
            #expect(line.range(of: #"^/[^:]+:\d+:\d+: \S"#, options: .regularExpression) != nil, "\(line)")
        }
        // The $ref cycle is reported in the schema file and names the scenario that uses it.
        #expect(lines.contains { $0.contains("circular reference") && $0.hasSuffix("ref-cycle.conform.json:5)") }, "\(out.stderr)")
        #expect(out.stdout.contains("0 valid, \(expected.count) invalid"))
    }

    @Test func aHugeScenarioFileIsRefusedNotRead() async throws {
        let dir = CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("huge.conform.json")
        try Data(repeating: UInt8(ascii: " "), count: 9 << 20).write(to: file)
        let out = try await CLI.run(["validate", file.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("huge.conform.json:1:1: file is"))
    }

    @Test func everySuitePassesAgainstTheBuiltInMocksAndWritesReports() async throws {
        let junit = CLI.reports.appendingPathComponent("TEST-cli-mock-run.xml")
        let json = CLI.reports.appendingPathComponent("cli-mock-run.json")
        let out = try await CLI.run(["run", "scenarios", "--mock", "--junit", junit.path, "--json", json.path, "--jobs", "8"])
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        let last = out.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.range(of: #"^\d+ passed, 0 failed, 0 skipped$"#, options: .regularExpression) != nil, "\(last)")
        let doc = try XMLDocument(contentsOf: junit)
        let suites = try doc.nodes(forXPath: "/testsuites/testsuite")
        #expect(suites.count == 35)
        #expect(try doc.nodes(forXPath: "//failure").isEmpty)
        #expect(try doc.nodes(forXPath: "//error").isEmpty)
        let report = try JSONParser.value(Array(Data(contentsOf: json)))
        #expect(report["scenarios"]?.arrayValue?.count == 35)
    }

    @Test func aMockFaultMakesTheRunFailWithExitCode1() async throws {
        let junit = CLI.reports.appendingPathComponent("TEST-cli-fault-run.xml")
        let out = try await CLI.run(["run", "scenarios/dockerhub", "--mock", "--fault", "dockerhub:secret-on-get", "--junit", junit.path])
        #expect(out.status == 1, "\(out.stdout)\n\(out.stderr)")
        #expect(out.stdout.contains("one-time secret"))
        #expect(out.stdout.contains("disclosed again"))
        let doc = try XMLDocument(contentsOf: junit)
        let failures = try doc.nodes(forXPath: "//failure[@type='SecretDisclosed']")
        #expect(!failures.isEmpty)
    }

    @Test func usageErrorsExitWith2AndSendNothing() async throws {
        let missing = try await CLI.run(["run", "scenarios/dockerhub", "--base-url", "http://127.0.0.1:9"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("required variable 'org' has no value"))
        let badURL = try await CLI.run(["run", "scenarios/dockerhub", "--base-url", "ftp://x"])
        #expect(badURL.status == 2)
        let badFault = try await CLI.run(["run", "scenarios/dockerhub", "--mock", "--fault", "no-such-fault"])
        #expect(badFault.status == 2)
        #expect(badFault.stderr.contains("unknown fault 'no-such-fault'"))
    }

    @Test func anUnreachableTargetExitsWith3AndSaysSo() async throws {
        let junit = CLI.reports.appendingPathComponent("TEST-cli-unreachable.xml")
        let out = try await CLI.run(["run", "scenarios/xms/01-lifecycle.conform.json", "--base-url", "http://127.0.0.1:9",
                               "--var", "token=x", "--junit", junit.path, "--ledger", CLI.temporaryDirectory().appendingPathComponent("l").path])
        #expect(out.status == 3, "\(out.stdout)\n\(out.stderr)")
        #expect(out.stdout.contains("connection refused"))
        let doc = try XMLDocument(contentsOf: junit)
        #expect(try doc.nodes(forXPath: "//error[@type='ConnectionError']").count == 1)
    }

    @Test func credentialsFromTheEnvironmentNeverReachOutputOrReports() async throws {
        let mock = try await MockServers.start(MockConfiguration(api: .xms))
        // Shut down before the test returns: a live event loop thread keeps the test process from exiting.
        try await withShutdown(mock) {
            let token = try #require(mock.variables["token"])
            let junit = CLI.reports.appendingPathComponent("TEST-cli-env-secret.xml")
            let json = CLI.temporaryDirectory().appendingPathComponent("r.json")
            let out = try await CLI.run(["run", "scenarios/xms", "--base-url", mock.baseURL, "--var", "token=env:CONFORM_TEST_XMS_TOKEN",
                                   "-v", "--junit", junit.path, "--json", json.path, "--ledger", CLI.temporaryDirectory().appendingPathComponent("l").path],
                                  environment: ["CONFORM_TEST_XMS_TOKEN": token])
            #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
            #expect(out.stdout.contains("Xms-Auth-Token: ***"))
            for text in [out.stdout, out.stderr, try String(contentsOf: junit, encoding: .utf8), try String(contentsOf: json, encoding: .utf8)] {
                #expect(!text.contains(token))
            }
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func sigintStopsTheRunCleansUpEverythingAndStillWritesTheReport() async throws {
        let mock = try await MockServers.start(MockConfiguration(api: .xms))
        // Shut down before the test returns: a live event loop thread keeps the test process from exiting.
        try await withShutdown(mock) {
            let token = try #require(mock.variables["token"])
            // A token the run did not create: cleanup must leave it alone.
            let bystander = "bystander-\(UUID().uuidString.prefix(8))"
            let created = try await MockHTTP.send(mock, token: token, method: "POST", path: "/access-tokens/",
                                                  json: #"{"access_token": {"name": "\#(bystander)", "roles": ["admin"]}}"#)
            #expect(created.status == 201)
            let dir = CLI.temporaryDirectory()
            let scenario = dir.appendingPathComponent("many.conform.json")
            try #"""
            {"conform": 1, "name": "create many", "requires": ["token"],
             "defaults": {"auth": {"header": {"name": "Xms-Auth-Token", "value": "{{token}}"}}},
             "steps": [
               {"name": "create", "repeat": 1000,
                "request": {"method": "POST", "path": "/access-tokens/", "json": {"access_token": {"name": "t-{{run.id}}-{{iteration}}", "roles": ["admin"]}}},
                "expect": {"status": 201}, "capture": {"id": "/access_token/id"},
                "creates": {"method": "DELETE", "path": "/access-tokens/{{id}}"}},
               {"name": "never reached", "request": {"method": "GET", "path": "/access-tokens"}}
             ]}
            """#.write(to: scenario, atomically: true, encoding: .utf8)
            let junit = CLI.reports.appendingPathComponent("TEST-cli-interrupted.xml")
            try? FileManager.default.removeItem(at: junit)  // the report checked below is this run's
            let json = dir.appendingPathComponent("r.json")
            let ledger = dir.appendingPathComponent("ledger.jsonl").path
            let child = try CLI.start(["run", scenario.path, "--base-url", mock.baseURL, "--var", "token=env:T",
                                       "--junit", junit.path, "--json", json.path, "--ledger", ledger], environment: ["T": token])
            let deadline = ContinuousClock.now + .seconds(20)
            while mock.tokenCount < 21 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            let before = try await MockHTTP.tokenNames(mock, token: token)
            #expect(before.count >= 21, "the run should have created tokens by now: \(before.count)")
            child.signal(SIGINT)
            let out = await child.wait(timeout: .seconds(60))
            #expect(out.status == 130, "\(out.stdout)\n\(out.stderr)")

            // The report exists, parses, and says the run was interrupted.
            #expect(FileManager.default.fileExists(atPath: junit.path))
            let doc = try XMLDocument(contentsOf: junit)
            #expect(try doc.nodes(forXPath: "//property[@name='interrupted'][@value='true']").count == 1)
            #expect(try doc.nodes(forXPath: "//testcase").count == 2)
            #expect(try doc.nodes(forXPath: "//testcase[1]/error[@type='Interrupted']").count == 1)
            #expect(try doc.nodes(forXPath: "//testcase[2]/skipped").count == 1)
            let report = try JSONParser.value(Array(Data(contentsOf: json)))
            #expect(report["run"]?["interrupted"] == true)
            #expect(report["scenarios"]?.arrayValue?.count == 1)
            let runID = try #require(report["run"]?["id"]?.stringValue)
            #expect(out.stdout.split(separator: "\n").last?.hasSuffix("skipped") == true)

            // Listing the mock: every token of this run is gone, the bystander is still there.
            let mine = before.filter { $0.hasPrefix("t-\(runID)-") }
            #expect(mine.count >= 20, "the tokens listed during the run carry its run id")
            let after = try await MockHTTP.tokenNames(mock, token: token)
            #expect(after == [bystander], "left after the interrupted run: \(after)")
            #expect(!after.contains { $0.hasPrefix("t-\(runID)-") })
            // And the ledger has nothing outstanding for a later sweep.
            let dry = try await CLI.run(["sweep", "--ledger", ledger, "--dry-run"])
            #expect(dry.stdout.contains("0 left"), "\(dry.stdout)\n\(dry.stderr)")
            #expect(!out.stdout.contains(token) && !out.stderr.contains(token))
        }
    }

    @Test func kill9LeavesALedgerThatSweepCleansUp() async throws {
        let mock = try await MockServers.start(MockConfiguration(api: .xms))
        // Shut down before the test returns: a live event loop thread keeps the test process from exiting.
        try await withShutdown(mock) {
            let dir = CLI.temporaryDirectory()
            let scenario = dir.appendingPathComponent("many.conform.json")
            try #"""
            {"conform": 1, "name": "create many", "requires": ["token"],
             "defaults": {"auth": {"header": {"name": "Xms-Auth-Token", "value": "{{token}}"}}},
             "steps": [{"name": "create", "repeat": 1000,
                "request": {"method": "POST", "path": "/access-tokens/", "json": {"access_token": {"name": "k-{{run.id}}-{{iteration}}", "roles": ["admin"]}}},
                "capture": {"id": "/access_token/id"}, "creates": {"method": "DELETE", "path": "/access-tokens/{{id}}"}}]}
            """#.write(to: scenario, atomically: true, encoding: .utf8)
            let ledger = dir.appendingPathComponent("ledger.jsonl").path
            let token = mock.variables["token"]!
            let child = try CLI.start(["run", scenario.path, "--base-url", mock.baseURL, "--var", "token=env:T", "--ledger", ledger],
                                      environment: ["T": token])
            let deadline = ContinuousClock.now + .seconds(20)
            while mock.tokenCount < 20 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            child.signal(SIGKILL)
            _ = await child.wait()
            let left = mock.tokenCount
            #expect(left >= 20)
            // kill -9 can land between a create being answered and the ledger line being written:
            // at most the one request in flight is unknown to the ledger.
            let ledgerText = try String(contentsOfFile: ledger, encoding: .utf8)
            #expect(!ledgerText.contains(token), "the ledger holds no credentials")
            let dry = try await CLI.run(["sweep", "--ledger", ledger, "--dry-run"])
            #expect(dry.stdout.contains("\(left) left") || dry.stdout.contains("\(left - 1) left"), "\(dry.stdout)")
            let sweep = try await CLI.run(["sweep", "--ledger", ledger, "--var", "token=env:T"], environment: ["T": token])
            #expect(sweep.status == 0, "\(sweep.stdout)\n\(sweep.stderr)")
            #expect(mock.tokenCount <= 1)
            #expect(!sweep.stdout.contains(token))
        }
    }

    @Test func mockAnnouncesItselfAndStopsOnSIGTERM() async throws {
        let child = try CLI.start(["mock", "--api", "dockerhub", "--port", "0"])
        // The announcement is one JSON line; read it as it comes.
        let handle = child.out.fileHandleForReading
        let line: Data = await withCheckedContinuation { c in
            DispatchQueue.global().async {
                var line = Data()
                while !line.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    line += chunk
                }
                c.resume(returning: line)
            }
        }
        let announcement = try JSONParser.value(Array(line.prefix { $0 != UInt8(ascii: "\n") }))
        #expect(announcement["api"] == "dockerhub")
        #expect(announcement["base_url"]?.stringValue?.hasPrefix("http://127.0.0.1:") == true)
        for name in ["org", "token", "identifier", "secret"] { #expect(announcement["vars"]?[name]?.stringValue?.isEmpty == false) }
        child.signal(SIGTERM)
        let out = await child.wait(timeout: .seconds(10))
        #expect(out.status == 0)
    }

    @Test func listShowsScenariosAndTags() async throws {
        let out = try await CLI.run(["list", "scenarios"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("scenarios/xms/01-lifecycle.conform.json"))
        #expect(out.stdout.contains("tags: "))
        #expect(out.stdout.contains("inferred ("))
    }
}

/// Runs `body`, then shuts the mock down (also when `body` throws).
func withShutdown(_ mock: RunningMock, _ body: () async throws -> Void) async throws {
    do { try await body() } catch {
        try? await mock.shutdown()
        throw error
    }
    try await mock.shutdown()
}
