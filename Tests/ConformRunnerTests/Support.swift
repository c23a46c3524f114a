import ConformHTTP
import ConformJSON
import ConformRunner
import ConformScenario
import ConformTestSupport
import Foundation
import Synchronization

/// Runs scenario texts against a base URL with a fresh client and returns the result.
func run(_ texts: [String], baseURL: String, variables: [String: JSON] = [:], secretVariables: Set<String> = [],
         configure: (inout RunConfiguration) -> Void = { _ in }) async throws -> RunResult {
    let scenarios = try texts.enumerated().map { i, text in try ScenarioLoader.load(text: text, file: "s\(i).conform.json") }
    var configuration = RunConfiguration(baseURL: baseURL, variables: variables, secretVariables: secretVariables,
                                         jobs: 4, timeout: 5, connectTimeout: 2, retries: 2, retryMaxWait: 5)
    configure(&configuration)
    let client = HTTPClient(maxConnections: 16)
    defer { client.shutdown() }
    return await Runner(configuration: configuration, client: client).run(scenarios)
}

func run(_ text: String, baseURL: String, variables: [String: JSON] = [:],
         configure: (inout RunConfiguration) -> Void = { _ in }) async throws -> ScenarioResult {
    try await run([text], baseURL: baseURL, variables: variables, configure: configure).scenarios[0]
}

/// `{"conform": 1, "name": …, "steps": [...]}` around step JSON, for short tests.
func scenario(_ steps: String, cleanup: String? = nil, extra: String = "") -> String {
    var s = #"{"conform": 1, "name": "test""# + extra + #", "steps": ["# + steps + "]"
    if let cleanup { s += #", "cleanup": ["# + cleanup + "]" }
    return s + "}"
}

func json(_ value: JSON, status: Int = 200, headers: [(String, String)] = []) -> Reply {
    Reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(value.serialized().utf8))
}

extension StepOutcome {
    var failures: [CheckFailure] { if case .failed(let f) = self { f } else { [] } }
    var error: StepError? { if case .error(let e) = self { e } else { nil } }
    var skipReason: String? { if case .skipped(let r) = self { r } else { nil } }
    var isPassed: Bool { if case .passed = self { true } else { false } }
}

/// A tiny in-memory token API for end-to-end runner tests: POST /tokens, GET/DELETE /tokens/{id}, GET /tokens.
final class TinyTokenAPI: Sendable {
    struct Token: Sendable { var id: String; var name: String; var secret: String }
    let state = Mutex<(next: Int, tokens: [Token])>((1, []))
    /// Deliberate defects for tests.
    let leakSecretOnGet: Bool

    init(leakSecretOnGet: Bool = false) { self.leakSecretOnGet = leakSecretOnGet }

    var count: Int { state.withLock { $0.tokens.count } }

    func handle(_ r: RecordedRequest) -> Reply {
        let path = r.target.split(separator: "?")[0]
        let parts = path.split(separator: "/").map(String.init)
        return state.withLock { s in
            switch (r.method, parts.count) {
            case ("POST", 1):
                let body = (try? JSONParser.value(r.body)) ?? .null
                let t = Token(id: "t\(s.next)", name: body["name"]?.stringValue ?? "", secret: "sekret-\(UUID().uuidString)")
                s.next += 1
                s.tokens.append(t)
                return json(["id": .string(t.id), "name": .string(t.name), "secret": .string(t.secret)], status: 201,
                            headers: [("Location", "/tokens/\(t.id)")])
            case ("GET", 2):
                guard let t = s.tokens.first(where: { $0.id == parts[1] }) else { return json(["error": "not found"], status: 404) }
                var o: JSON = ["id": .string(t.id), "name": .string(t.name)]
                if leakSecretOnGet { o = ["id": .string(t.id), "name": .string(t.name), "secret": .string(t.secret)] }
                return json(o)
            case ("DELETE", 2):
                guard let i = s.tokens.firstIndex(where: { $0.id == parts[1] }) else { return json(["error": "not found"], status: 404) }
                s.tokens.remove(at: i)
                return Reply(status: 204)
            case ("GET", 1):
                let query = r.target.split(separator: "?").dropFirst().first.map(String.init) ?? ""
                var params: [String: Int] = [:]
                for kv in query.split(separator: "&") {
                    let p = kv.split(separator: "=")
                    if p.count == 2 { params[String(p[0])] = Int(p[1]) }
                }
                let offset = params["offset"] ?? 0, limit = params["limit"] ?? 100
                let page = Array(s.tokens.dropFirst(offset).prefix(limit))
                return json(["items": .array(page.map { ["id": .string($0.id), "name": .string($0.name)] }),
                             "total": .number(Double(s.tokens.count)), "offset": .number(Double(offset)),
                             "limit": .number(Double(limit))])
            default:
                return json(["error": "no route"], status: 404)
            }
        }
    }
}
