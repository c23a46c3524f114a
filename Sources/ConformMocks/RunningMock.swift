import ConformJSON

/// A started mock: where it listens, what a scenario needs, and a way to stop it.
public final class RunningMock: Sendable {
    /// The API it plays.
    public let api: MockAPI
    /// The URL that plays the role of the API's documented base (`http://127.0.0.1:41234`).
    public let baseURL: String
    /// The bound port.
    public let port: Int
    /// The announced variables (`registry_id`, `token`, ...).
    public let variables: [String: String]
    /// The faults switched on.
    public let faults: [MockFault]
    private let service: any MockService
    private let server: MockHTTPServer

    init(api: MockAPI, faults: [MockFault], service: any MockService, server: MockHTTPServer) {
        self.api = api
        self.faults = faults
        self.service = service
        self.server = server
        self.baseURL = server.baseURL
        self.port = server.port
        self.variables = Dictionary(service.variables.map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
    }

    /// Stops the server and closes every connection; later calls do nothing.
    public func shutdown() async throws {
        try await server.shutdown()
    }

    /// How many tokens the mock currently stores (checks that a suite cleaned up).
    public var tokenCount: Int { service.liveTokenNames.count }

    /// Names (IONOS, XMS) or labels (Docker Hub) of the stored tokens, in creation order.
    public var tokenNames: [String] { service.liveTokenNames }

    /// The one-line JSON `conform mock` prints:
    /// `{"api":"dockerhub","base_url":"http://127.0.0.1:41234","vars":{"org":"...","token":"..."}}`.
    public var announcement: String {
        var vars: JSON.Object = [:]
        for (name, value) in service.variables { vars[name] = .string(value) }
        let line: JSON = ["api": .string(api.rawValue), "base_url": .string(baseURL), "vars": .object(vars)]
        return line.serialized()
    }

    /// Answers one request without a socket, exactly as the server would.
    public func respond(to request: MockRequest) -> MockResponse {
        service.handle(request)
    }
}
