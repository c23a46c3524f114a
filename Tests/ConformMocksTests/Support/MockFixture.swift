import ConformJSON
import Testing
@testable import ConformMocks

/// Starts a mock for one test and always shuts it down.
@discardableResult
func withMock<T>(_ api: MockAPI, faults: Set<String> = [], fixed: [String: String] = [:],
                 configure: (inout MockConfiguration) -> Void = { _ in },
                 _ body: (RunningMock, TestClient) async throws -> T) async throws -> T {
    var config = MockConfiguration(api: api, faults: faults, fixedVariables: fixed, threads: 1)
    configure(&config)
    let mock = try await MockServers.start(config)
    do {
        let result = try await body(mock, authenticatedClient(mock))
        try await mock.shutdown()
        return result
    } catch {
        try? await mock.shutdown()
        throw error
    }
}

/// DELETE of `path` answers 204 with no body; afterwards GET and a second DELETE answer 404.
func expectDeletedOnce(_ client: TestClient, _ path: String,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    let deleted = try await client.delete(path)
    #expect(deleted.status == 204, sourceLocation: sourceLocation)
    #expect(deleted.body.isEmpty, sourceLocation: sourceLocation)
    #expect(try await client.get(path).status == 404, sourceLocation: sourceLocation)
    #expect(try await client.delete(path).status == 404, sourceLocation: sourceLocation)
}

/// A client carrying the mock's announced credentials in the API's own way.
func authenticatedClient(_ mock: RunningMock) -> TestClient {
    let token = mock.variables["token"] ?? ""
    switch mock.api {
    case .ionos: return TestClient(baseURL: mock.baseURL, defaultHeaders: ["Authorization": "Bearer \(token)"])
    case .dockerhub: return TestClient(baseURL: mock.baseURL, defaultHeaders: ["Authorization": "Bearer \(token)"])
    case .xms: return TestClient(baseURL: mock.baseURL, defaultHeaders: ["Xms-Auth-Token": token])
    }
}

/// IONOS helpers.
enum IONOS {
    static func tokens(_ mock: RunningMock) -> String { "/registries/\(mock.variables["registry_id"]!)/tokens" }

    static func body(_ name: String, status: String? = nil, expiry: String? = nil) -> JSON {
        var props: JSON.Object = ["name": .string(name)]
        if let status { props["status"] = .string(status) }
        if let expiry { props["expiryDate"] = .string(expiry) }
        props["scopes"] = [["actions": ["pull"], "name": "*", "type": "repository"]]
        return ["properties": .object(props)]
    }

    /// Creates a token and returns its id.
    @discardableResult
    static func create(_ client: TestClient, _ mock: RunningMock, _ name: String) async throws -> String {
        let reply = try await client.post(tokens(mock), body(name))
        guard reply.status == 201, let id = reply["/id"]?.stringValue else { throw TestError("create failed: \(reply.status) \(reply.text)") }
        return id
    }
}

/// Docker Hub helpers.
enum Hub {
    static func tokens(_ mock: RunningMock) -> String { "/v2/orgs/\(mock.variables["org"]!)/access-tokens" }

    static func body(_ label: String) -> JSON {
        ["label": .string(label), "description": "test token",
         "resources": [["type": "TYPE_REPO", "path": "myorg/myrepo", "scopes": ["scope-image-pull"]]]]
    }

    /// Creates a token and returns (id, secret).
    @discardableResult
    static func create(_ client: TestClient, _ mock: RunningMock, _ label: String) async throws -> (id: String, secret: String) {
        let reply = try await client.post(tokens(mock), body(label))
        guard reply.status == 201, let id = reply["/id"]?.stringValue, let secret = reply["/token"]?.stringValue else {
            throw TestError("create failed: \(reply.status) \(reply.text)")
        }
        return (id, secret)
    }
}

/// XMS helpers.
enum XMS {
    static let collection = "/access-tokens/"

    static func body(_ name: String, roles: [String] = ["admin"]) -> JSON {
        ["access_token": ["name": .string(name), "roles": .array(roles.map(JSON.string)), "description": "test"]]
    }

    /// Creates a token and returns (id, uuid).
    @discardableResult
    static func create(_ client: TestClient, _ name: String, roles: [String] = ["admin"]) async throws -> (id: Int, uuid: String) {
        let reply = try await client.post(collection, body(name, roles: roles))
        guard reply.status == 201, let id = reply["/access_token/id"]?.numberValue,
              let uuid = reply["/access_token/uuid"]?.stringValue else {
            throw TestError("create failed: \(reply.status) \(reply.text)")
        }
        return (Int(id), uuid)
    }
}

/// Ids of list items at a pointer (`/items`, `/results`, `/access_tokens`).
func ids(_ reply: Reply, _ pointer: String) -> [String] {
    (reply[pointer]?.arrayValue ?? []).compactMap { item in
        if let s = item["id"]?.stringValue { return s }
        if let n = item["id"]?.numberValue { return String(Int(n)) }
        return nil
    }
}
