import ConformHTTP
import ConformJSON
import ConformRunner
import ConformScenario
import ConformTestSupport
import Foundation
import Testing

/// `"exports"`: a login scenario hands its token to the other scenarios of its folder.
@Suite struct ExportTests {
    /// POST /login with {"secret": "right"} → {"token": "jwt-N"}; GET /whoami needs `Bearer jwt-…` or `Bearer outside`.
    static func server() throws -> ScriptedServer {
        let issued = Counter()
        return try ScriptedServer { r in
            switch (r.method, r.target) {
            case ("POST", "/login"):
                let body = (try? JSONParser.value(r.body)) ?? .null
                guard body["secret"]?.stringValue == "right" else { return json(["error": "bad secret"], status: 401) }
                return json(["token": .string("jwt-\(issued.next())")])
            case ("GET", "/whoami"):
                let auth = r.header("Authorization") ?? ""
                guard auth.hasPrefix("Bearer jwt-") || auth == "Bearer outside" else { return json(["error": "who?"], status: 401) }
                return json(["ok": true])
            default:
                return json(["error": "no route"], status: 404)
            }
        }
    }

    static let login = #"""
        {"conform": 1, "name": "login", "requires": ["secret", "token"], "exports": ["token"], "steps": [
          {"name": "log in", "request": {"method": "POST", "path": "/login", "json": {"secret": "{{secret}}"}},
           "expect": {"status": 200}, "capture": {"token": {"pointer": "/token", "secret": true}}}]}
        """#
    static let use = #"""
        {"conform": 1, "name": "use", "requires": ["token"], "steps": [
          {"name": "who am I", "request": {"method": "GET", "path": "/whoami", "auth": {"bearer": "{{token}}"}},
           "expect": {"status": 200}}]}
        """#

    func run(secret: String, token: String? = nil, server: ScriptedServer) async throws -> RunResult {
        // The login comes last on purpose: exporters run first whatever the order.
        let scenarios = try [
            ScenarioLoader.load(text: Self.use, file: "suite-a/use.conform.json"),
            ScenarioLoader.load(text: Self.use, file: "suite-b/use.conform.json"),
            ScenarioLoader.load(text: Self.login, file: "suite-a/login.conform.json"),
        ]
        var variables: [String: JSON] = ["secret": .string(secret)]
        if let token { variables["token"] = .string(token) }
        let configuration = RunConfiguration(baseURL: server.baseURL, variables: variables, secretVariables: ["secret"],
                                             jobs: 4, timeout: 5, connectTimeout: 2)
        let client = HTTPClient(maxConnections: 8)
        defer { client.shutdown() }
        return await Runner(configuration: configuration, client: client).run(scenarios)
    }

    @Test func theLoginRunsFirstAndItsTokenReachesItsFolderOnly() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try await run(secret: "right", server: server)
        #expect(server.requests.first?.target == "/login")
        #expect(result.scenarios.map(\.file) == ["suite-a/use.conform.json", "suite-b/use.conform.json", "suite-a/login.conform.json"])
        #expect(result.scenarios[2].counts.passed == 1)
        #expect(result.scenarios[0].counts.passed == 1, "the exported token is used in the same folder")
        #expect(server.requests.contains { $0.header("Authorization") == "Bearer jwt-1" })
        let other = try #require(result.scenarios[1].steps.first?.outcome.error)
        #expect(other.message.contains("required variable 'token' has no value (pass --var token="), "\(other.message)")
        #expect(result.secrets.contains { $0.value == "jwt-1" }, "the exported token is a secret")
    }

    @Test func aFailedLoginNamesItselfInTheScenariosThatNeededIt() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try await run(secret: "wrong", server: server)
        #expect(result.scenarios[2].counts.failed == 1)
        let error = try #require(result.scenarios[0].steps.first?.outcome.error)
        #expect(error.message == "required variable 'token' has no value: suite-a/login.conform.json, which exports it, did not pass")
        #expect(!server.requests.contains { $0.target == "/whoami" })
    }

    @Test func aTokenGivenFromOutsideWins() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try await run(secret: "right", token: "outside", server: server)
        #expect(result.counts.failed == 0 && result.counts.errors == 0, "\(result.counts)")
        let whoami = server.requests.filter { $0.target == "/whoami" }.map { $0.header("Authorization") }
        #expect(whoami == ["Bearer outside", "Bearer outside"])
    }
}
