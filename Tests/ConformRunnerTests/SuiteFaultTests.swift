import ConformHTTP
import ConformJSON
import ConformMocks
import ConformRunner
import ConformScenario
import ConformSchema
import Foundation
import Testing

/// The shipped suites catch real implementation bugs: each mock fault makes its API's suite fail,
/// in the scenario that covers the behaviour, with a message that names the problem.
@Suite struct SuiteFaultTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        let api: MockAPI
        let fault: String
        /// The scenario file that must catch it, the check kind, and words its message must contain.
        let scenario: String
        let kind: String
        let message: String
        var testDescription: String { "\(api.rawValue):\(fault)" }
    }

    static let expectations: [Expectation] = [
        .init(api: .ionos, fault: "secret-on-get", scenario: "01-lifecycle", kind: "secret", message: "disclosed again in the body at /properties/credentials/password"),
        .init(api: .ionos, fault: "secret-in-list", scenario: "01-lifecycle", kind: "secret", message: "disclosed again in the body at /items/0/properties/credentials/password"),
        .init(api: .ionos, fault: "secret-on-patch", scenario: "01-lifecycle", kind: "secret", message: "disclosed again in the body at /properties/credentials/password"),
        .init(api: .ionos, fault: "put-replace-returns-password", scenario: "02-put-create-replace", kind: "secret", message: "one-time secret 'put_password' disclosed again"),
        .init(api: .ionos, fault: "put-replace-renames", scenario: "02-put-create-replace", kind: "body", message: "/properties/name: expected"),
        .init(api: .ionos, fault: "patch-not-persisted", scenario: "01-lifecycle", kind: "lifecycle", message: "/properties/status: \"enabled\" differs from step 'patch'"),
        .init(api: .ionos, fault: "pagination-off-by-one", scenario: "03-pagination", kind: "pagination", message: "is missing from the walk"),
        .init(api: .ionos, fault: "duplicate-across-pages", scenario: "03-pagination", kind: "pagination", message: "appears again (first seen on page 1)"),
        .init(api: .ionos, fault: "past-end-error", scenario: "04-pagination-totals", kind: "pagination", message: "a page past the end (offset=4&limit=2) answered 400; expected 200 with no items"),
        .init(api: .ionos, fault: "wrong-total", scenario: "04-pagination-totals", kind: "pagination", message: "/total says 4 but the walk found 3 distinct items"),
        .init(api: .ionos, fault: "auth-ignored", scenario: "06-auth-rejected", kind: "status", message: "expected status 401, got 200"),
        .init(api: .ionos, fault: "deleted-still-readable", scenario: "01-lifecycle", kind: "status", message: "expected status 404, got 200"),
        .init(api: .ionos, fault: "wrong-success-status", scenario: "01-lifecycle", kind: "status", message: "expected status 201, got 200"),
        .init(api: .ionos, fault: "wrong-field-type", scenario: "01-lifecycle", kind: "schema", message: "/offset: expected integer, got string"),
        .init(api: .ionos, fault: "validation-skipped", scenario: "07-invalid-bodies", kind: "status", message: "expected status 400, got 201"),
        .init(api: .ionos, fault: "missing-location", scenario: "01-lifecycle", kind: "header", message: "header Location: expected to exist, but it is missing"),

        .init(api: .dockerhub, fault: "secret-on-get", scenario: "01-lifecycle", kind: "secret", message: "disclosed again in the body at /token"),
        .init(api: .dockerhub, fault: "secret-in-list", scenario: "01-lifecycle", kind: "secret", message: "disclosed again in the body at /results/0/token"),
        .init(api: .dockerhub, fault: "pagination-off-by-one", scenario: "03-pagination", kind: "pagination", message: "is missing from the walk"),
        .init(api: .dockerhub, fault: "duplicate-across-pages", scenario: "03-pagination", kind: "pagination", message: "appears again (first seen on page 1)"),
        .init(api: .dockerhub, fault: "past-end-error", scenario: "04-pagination-past-end", kind: "pagination", message: "answered 404; expected 200 with no items"),
        .init(api: .dockerhub, fault: "wrong-total", scenario: "03-pagination", kind: "pagination", message: "/total says 6 but the walk found 5 distinct items"),
        .init(api: .dockerhub, fault: "next-on-last-page", scenario: "03-pagination", kind: "pagination", message: "/next is set but this is the last page"),
        .init(api: .dockerhub, fault: "auth-ignored", scenario: "05-auth-rejected", kind: "status", message: "expected status 401, got 200"),
        .init(api: .dockerhub, fault: "deleted-still-readable", scenario: "01-lifecycle", kind: "status", message: "expected status 404, got 200"),
        .init(api: .dockerhub, fault: "wrong-success-status", scenario: "01-lifecycle", kind: "status", message: "expected status 201, got 200"),
        .init(api: .dockerhub, fault: "wrong-field-type", scenario: "01-lifecycle", kind: "schema", message: "/is_active: expected boolean, got string"),
        .init(api: .dockerhub, fault: "patch-not-persisted", scenario: "01-lifecycle", kind: "lifecycle", message: "/label: \""),
        .init(api: .dockerhub, fault: "deactivated-token-exchanges", scenario: "11-oat-login", kind: "status", message: "expected status 401, got 200"),
        .init(api: .dockerhub, fault: "validation-skipped", scenario: "06-invalid-bodies", kind: "status", message: "expected status 400, got 201"),

        .init(api: .xms, fault: "secret-on-get", scenario: "03-one-time-secret", kind: "secret", message: "disclosed again in the body at /access_token/uuid"),
        .init(api: .xms, fault: "secret-in-list", scenario: "03-one-time-secret", kind: "secret", message: "disclosed again in the body at /access_tokens/0/uuid"),
        .init(api: .xms, fault: "regenerate-keeps-old-secret", scenario: "04-validate", kind: "status", message: "expected status 4xx, got 200"),
        .init(api: .xms, fault: "regenerate-same-secret", scenario: "02-regenerate", kind: "body", message: "/access_token/uuid: expected anything but"),
        .init(api: .xms, fault: "pagination-off-by-one", scenario: "05-pagination", kind: "pagination", message: "is missing from the walk"),
        .init(api: .xms, fault: "duplicate-across-pages", scenario: "05-pagination", kind: "pagination", message: "appears again (first seen on page 1)"),
        .init(api: .xms, fault: "past-end-error", scenario: "06-pagination-past-end", kind: "pagination", message: "answered 400; expected 200 with no items"),
        .init(api: .xms, fault: "auth-ignored", scenario: "10-auth-rejected", kind: "status", message: "expected status 401 or 403, got 200"),
        .init(api: .xms, fault: "deleted-still-readable", scenario: "01-lifecycle", kind: "status", message: "expected status 404, got 200"),
        .init(api: .xms, fault: "wrong-success-status", scenario: "01-lifecycle", kind: "status", message: "expected status 201, got 202"),
        .init(api: .xms, fault: "wrong-field-type", scenario: "01-lifecycle", kind: "schema", message: "/access_token/id: expected integer, got string"),
        .init(api: .xms, fault: "patch-not-persisted", scenario: "01-lifecycle", kind: "lifecycle", message: "/access_token/name: \""),
        .init(api: .xms, fault: "list-not-wrapped", scenario: "05-pagination", kind: "pagination", message: "no items array at /access_tokens"),
        .init(api: .xms, fault: "validation-skipped", scenario: "11-invalid-bodies", kind: "status", message: "expected status 400, got 201"),
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `scenarios/<api>` against its mock with `faults` switched on.
    static func runSuite(_ api: MockAPI, faults: Set<String>) async throws -> RunResult {
        let schemas = SchemaStore()
        let folder = root.appendingPathComponent("scenarios/\(api.rawValue)").path
        let scenarios = try ScenarioLoader.discover([folder]).map { try ScenarioLoader.load(file: $0, schemas: schemas) }
        let mock = try await MockServers.start(MockConfiguration(api: api, faults: faults))
        var configuration = RunConfiguration(jobs: 4, timeout: 10, connectTimeout: 5)
        configuration.targets = [api.rawValue: RunConfiguration.Target(
            baseURL: mock.baseURL, variables: mock.variables.mapValues(JSON.string),
            secretVariables: Set(mock.variables.keys).intersection(["password", "token", "secret"]))]
        let client = HTTPClient(maxConnections: 16)
        let result = await Runner(configuration: configuration, client: client, schemas: schemas).run(scenarios)
        client.shutdown()
        try await mock.shutdown()
        return result
    }

    @Test func everyFaultOfEveryMockIsListedHere() {
        let listed = Set(Self.expectations.map { "\($0.api.rawValue):\($0.fault)" })
        let all = Set(MockAPI.allCases.flatMap { api in api.faults.map { "\(api.rawValue):\($0.name)" } })
        #expect(listed == all)
        #expect(listed.count == Self.expectations.count, "each fault once")
    }

    @Test(arguments: expectations)
    func theSuiteCatchesTheFault(_ e: Expectation) async throws {
        let result = try await Self.runSuite(e.api, faults: [e.fault])
        #expect(result.counts.errors == 0, "a fault is nonconformance, not a harness error")
        let failures = result.scenarios.flatMap { s in
            s.steps.flatMap { step in step.outcome.failures.map { (file: s.file, failure: $0) } }
        }
        #expect(!failures.isEmpty)
        let caught = failures.contains { f in
            f.file.hasSuffix("/\(e.scenario).conform.json") && f.failure.kind == e.kind && f.failure.message.contains(e.message)
        }
        let got = failures.map { "\($0.file): [\($0.failure.kind)] \($0.failure.message.prefix(160))" }.joined(separator: "\n")
        #expect(caught, "expected a '\(e.kind)' failure in \(e.scenario) containing \(e.message); got:\n\(got)")
    }
}
