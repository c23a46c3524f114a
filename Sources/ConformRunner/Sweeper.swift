import ConformHTTP
import ConformJSON
import ConformScenario
import Foundation

/// Deletes what earlier runs left in a ledger file (a crash, `kill -9`, a lost network).
public struct Sweeper: Sendable {
    public struct Outcome: Sendable {
        public var method: String
        public var url: String
        public var scenario: String
        /// `deleted`, `gone` (404/410: someone else deleted it), or why it is still there.
        public var result: String
        public var settled: Bool
    }

    let client: HTTPClient
    let variables: [String: JSON]
    let environment: [String: String]
    let timeout: Double

    public init(client: HTTPClient, variables: [String: JSON], environment: [String: String], timeout: Double = 30) {
        self.client = client
        self.variables = variables
        self.environment = environment
        self.timeout = timeout
    }

    /// The open entries of `path`, without sending anything.
    public static func pending(ledger path: String) -> [(method: String, url: String, scenario: String)] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return LedgerFile.openEntries(data).map {
            ($0["method"]?.stringValue ?? "?", $0["url"]?.stringValue ?? "?", $0["scenario"]?.stringValue ?? "?")
        }
    }

    /// Sends the delete request of every open entry, newest first, and records the settled ones.
    public func sweep(ledger path: String, secrets: SecretBook) async -> [Outcome] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let file = LedgerFile(path: path)
        var outcomes: [Outcome] = []
        let scope = Scope(variables: variables, environment: environment)
        for line in LedgerFile.openEntries(data).reversed() {
            var outcome = Outcome(method: line["method"]?.stringValue ?? "DELETE", url: line["url"]?.stringValue ?? "",
                                  scenario: line["scenario"]?.stringValue ?? "?", result: "", settled: false)
            do {
                let request = try Self.request(line, scope: scope)
                for c in request.credentials { secrets.add(name: "credential", value: c) }
                let options = TransferOptions(timeout: .seconds(timeout), connectTimeout: .seconds(min(timeout, 10)))
                let response = try await client.send(HTTPRequest(method: request.method, url: request.url,
                                                                 headers: request.headers.map { HTTPHeader(name: $0.name, value: $0.value) }),
                                                     options: options)
                switch response.status {
                case 200..<300: outcome.result = "deleted"; outcome.settled = true
                case 404, 410: outcome.result = "gone (\(response.status))"; outcome.settled = true
                default: outcome.result = "status \(response.status)"
                }
            } catch let e as InterpolationError {
                outcome.result = "cannot authenticate: \(e.message) (pass it with --var)"
            } catch {
                outcome.result = "\(error)"
            }
            if outcome.settled, let run = line["run"]?.stringValue, let id = line["id"]?.numberValue {
                file.append(["op": "settled", "run": .string(run), "id": .number(id)])
            }
            outcomes.append(outcome)
        }
        // Keep only what is still open.
        let remaining = FileManager.default.contents(atPath: path).map(LedgerFile.openEntries) ?? []
        let keep = Set(remaining.map { "\($0["run"]?.stringValue ?? ""):\($0["id"]?.numberValue ?? -1)" })
        file.compact(keeping: { l in l["op"] == "open" && keep.contains("\(l["run"]?.stringValue ?? ""):\(l["id"]?.numberValue ?? -1)") },
                     append: [])
        return outcomes
    }

    static func request(_ line: JSON, scope: Scope) throws -> PreparedRequest {
        guard let method = line["method"]?.stringValue, let url = line["url"]?.stringValue else {
            throw InterpolationError("ledger entry without method or url")
        }
        var template = RequestTemplate(method: method, target: .url(Template(literal: url)))
        if case .object(let headers)? = line["headers"] {
            template.headers = headers.map { ($0.key, Template(literal: $0.value.plainText)) }
        }
        if let auth = line["auth"] {
            do { template.auth = try ScenarioLoader.decodeAuth(auth) } catch {
                throw InterpolationError("unreadable auth in the ledger: \(error.message)")
            }
        } else {
            template.auth = Auth.none
        }
        return try RequestRenderer.render(template, defaults: RequestDefaults(), baseURL: nil, scope: scope)
    }
}
