import ConformHTTP
import ConformJSON
import ConformMocks
import ConformRunner
import ConformScenario
import Foundation
import Testing

/// 64 scenarios at once against the built-in XMS mock over real HTTP: thousands of requests,
/// no lost results, no captures crossing from one scenario into another, nothing left behind.
@Suite struct LoadTests {
    static let scenarioCount = 64
    static let readRepeats = 25

    /// Scenario `i`: its own token name and description; every later step checks it sees its own token.
    static func scenario(_ i: Int) -> String {
        let tag = String(format: "%02d", i)
        return #"""
        {"conform": 1, "name": "load \#(tag)", "requires": ["token"], "secrets": ["token"],
         "variables": {"name": "load-{{run.id}}-\#(tag)"},
         "defaults": {"auth": {"header": {"name": "Xms-Auth-Token", "value": "{{token}}"}}},
         "steps": [
           {"id": "create", "name": "create", "request": {"method": "POST", "path": "/access-tokens/",
              "json": {"access_token": {"name": "{{name}}", "roles": ["admin"], "description": "scenario \#(tag)"}}},
            "expect": {"status": 201, "body": {"/access_token/name": "{{name}}", "/access_token/description": "scenario \#(tag)"}},
            "oneTimeSecret": {"pointer": "/access_token/uuid", "capture": "secret"},
            "capture": {"id": "/access_token/id"},
            "creates": {"method": "DELETE", "path": "/access-tokens/{{id}}"}},
           {"name": "read 1", "request": {"method": "GET", "path": "/access-tokens/{{id}}"},
            "expect": {"status": 200, "body": {"/access_token/id": "{{id}}", "/access_token/name": "{{name}}"}}},
           {"name": "read 2", "request": {"method": "GET", "path": "/access-tokens/{{id}}"},
            "expect": {"status": 200, "body": {"/access_token/description": "scenario \#(tag)"}},
            "capture": {"again": "/access_token/id"}},
           {"name": "read 3: the id captured twice agrees", "request": {"method": "GET", "path": "/access-tokens/{{again}}"},
            "expect": {"status": 200, "body": {"/access_token/id": "{{id}}", "/access_token/name": "{{name}}"}}},
           {"name": "read many", "repeat": \#(readRepeats), "request": {"method": "GET", "path": "/access-tokens/{{id}}"},
            "expect": {"status": 200, "body": {"/access_token/id": "{{id}}", "/access_token/name": "{{name}}",
                                               "/access_token/uuid": {"absent": true}}},
            "capture": {"seen": "/access_token/id"}},
           {"name": "by its secret", "request": {"method": "GET", "path": "/access-tokens/{{secret}}"},
            "expect": {"status": 200, "body": {"/access_token/id": "{{id}}", "/access_token/name": "{{name}}"}}},
           {"id": "rename", "name": "rename", "request": {"method": "PATCH", "path": "/access-tokens/{{id}}",
              "json": {"access_token": {"name": "{{name}}-renamed"}}},
            "expect": {"status": 200, "body": {"/access_token/id": "{{id}}", "/access_token/name": "{{name}}-renamed"}}},
           {"name": "renamed", "request": {"method": "GET", "path": "/access-tokens/{{id}}"},
            "expect": {"status": 200, "sameAs": {"step": "rename", "fields": ["/access_token/name", "/access_token/id"]}}},
           {"name": "delete", "request": {"method": "DELETE", "path": "/access-tokens/{{id}}"}, "expect": {"status": 204}},
           {"name": "gone", "request": {"method": "GET", "path": "/access-tokens/{{id}}"}, "expect": {"status": 404}}
         ],
         "cleanup": [{"name": "delete if left", "request": {"method": "DELETE", "path": "/access-tokens/{{id}}"},
                      "expect": {"status": [204, 404]}}]}
        """#
    }

    /// Requests one scenario sends: create, 3 reads, the repeated reads, by-secret, rename, read, delete, gone, cleanup.
    static let requestsPerScenario = 1 + 3 + readRepeats + 1 + 1 + 1 + 1 + 1 + 1

    @Test func sixtyFourScenariosAtOnceKeepTheirOwnCapturesAndLoseNothing() async throws {
        let mock = try await MockServers.start(MockConfiguration(api: .xms))
        do {
            try await check(mock)
        } catch {
            try? await mock.shutdown()
            throw error
        }
        // Always shut down: a live event loop thread keeps the test process from exiting.
        try await mock.shutdown()
    }

    func check(_ mock: RunningMock) async throws {
        let token = try #require(mock.variables["token"])
        let scenarios = try (0..<Self.scenarioCount).map { i in
            try ScenarioLoader.load(text: Self.scenario(i), file: "load-\(i).conform.json")
        }
        let configuration = RunConfiguration(baseURL: mock.baseURL, variables: ["token": .string(token)], secretVariables: ["token"],
                                             jobs: Self.scenarioCount, timeout: 30, connectTimeout: 10,
                                             keepPassingTranscripts: true)
        let client = HTTPClient(maxConnections: Self.scenarioCount)
        defer { client.shutdown() }
        let runner = Runner(configuration: configuration, client: client)
        let started = ContinuousClock.now
        let result = await runner.run(scenarios)
        let elapsed = ContinuousClock.now - started

        // No lost results: every scenario, every step, all passed.
        #expect(result.scenarios.count == Self.scenarioCount)
        #expect(result.scenarios.map(\.name) == (0..<Self.scenarioCount).map { String(format: "load %02d", $0) })
        let stepsPerScenario = scenarios[0].steps.count + scenarios[0].cleanup.count
        for s in result.scenarios {
            #expect(s.steps.count == stepsPerScenario, "\(s.name)")
            let bad = s.steps.filter { !$0.outcome.isPassed }.map { "\($0.name): \($0.outcome)" }
            #expect(bad.isEmpty, "\(s.name): \(bad)")
        }
        let counts = result.counts
        #expect(counts.passed == Self.scenarioCount * stepsPerScenario && counts.failed == 0 && counts.errors == 0 && counts.skipped == 0,
                "\(counts)")
        #expect(!result.interrupted)

        // Every request is accounted for, and each scenario only ever touched its own token.
        let exchanges = result.scenarios.map { $0.steps.flatMap(\.exchanges) }
        #expect(exchanges.map(\.count).reduce(0, +) == Self.scenarioCount * Self.requestsPerScenario,
                "\(exchanges.map(\.count).reduce(0, +)) requests in \(elapsed)")
        var ids = Set<String>()
        for (i, list) in exchanges.enumerated() {
            let created = try #require(list.first, "scenario \(i) sent nothing")
            #expect(created.method == "POST" && created.status == 201)
            let body = try JSONParser.value(created.responseBody)
            let id = try #require(body["access_token"]?["id"]?.numberValue.map { String(Int($0)) }, "scenario \(i)")
            let uuid = try #require(body["access_token"]?["uuid"]?.stringValue)
            #expect(body["access_token"]?["name"]?.stringValue == "load-\(result.runID)-\(String(format: "%02d", i))")
            ids.insert(id)
            for x in list.dropFirst() {
                let path = URL(string: x.url)?.path ?? ""
                #expect(path == "/access-tokens/\(id)" || path == "/access-tokens/\(uuid)", "scenario \(i) requested \(path)")
                if x.status == 200, let b = try? JSONParser.value(x.responseBody) {
                    #expect(b["access_token"]?["id"]?.numberValue.map { String(Int($0)) } == id, "scenario \(i) got another token")
                }
            }
        }
        #expect(ids.count == Self.scenarioCount, "every scenario created its own token")

        // The mock is empty again, and the ledger has nothing outstanding.
        #expect(mock.tokenCount == 0, "left: \(mock.tokenNames)")
        #expect(runner.ledger.allOutstanding.isEmpty)
        #expect(elapsed < .seconds(120), "took \(elapsed)")
    }
}
