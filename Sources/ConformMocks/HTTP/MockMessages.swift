import ConformJSON

/// One HTTP request as a mock handler sees it: already framed, body complete.
public struct MockRequest: Sendable {
    /// The method as sent (`GET`, `POST`, ...).
    public var method: String
    /// The request path without the query, exactly as sent (not percent-decoded, not normalised).
    public var path: String
    /// Query items in order, percent-decoded (`+` read as a space).
    public var query: [(name: String, value: String)]
    /// Header fields in order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The request body.
    public var body: [UInt8]

    /// A request from its parts.
    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A request from an HTTP request target (`/path?a=1&b=2`).
    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        let (path, query) = URLText.splitTarget(target)
        self.init(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// The first header value with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { URLText.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The first query value with this name (case-sensitive, as query names are).
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// One HTTP response produced by a mock handler.
public struct MockResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields; the server adds `Content-Length` and `Connection` itself.
    public var headers: [(name: String, value: String)]
    /// The response body.
    public var body: [UInt8]

    /// A response from its parts.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`Content-Type: application/json`).
    public static func json(_ status: Int, _ value: JSON, headers: [(name: String, value: String)] = []) -> MockResponse {
        MockResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: value.bytes)
    }

    /// A response without a body (204 and the like).
    public static func empty(_ status: Int, headers: [(name: String, value: String)] = []) -> MockResponse {
        MockResponse(status: status, headers: headers)
    }

    /// The first header value with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { URLText.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The body parsed as JSON, or `nil` when it is not JSON.
    public var jsonBody: JSON? { try? JSONParser.value(body) }
}
