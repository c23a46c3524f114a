import ConformJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A response as the tests look at it.
struct Reply: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]

    var json: JSON? { try? JSONParser.value(body) }
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The value at a JSON Pointer in the body (`/properties/name`).
    subscript(pointer: String) -> JSON? {
        guard let json, let p = try? JSONPointer(parsing: pointer) else { return nil }
        return p.resolve(in: json)
    }
}

/// A real HTTP client (URLSession) pointed at one mock.
struct TestClient: Sendable {
    let baseURL: String
    /// Headers sent with every request (credentials).
    var defaultHeaders: [String: String] = [:]

    private static let session: URLSession = {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 20
        config.httpShouldSetCookies = false
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: config)
    }()

    func with(headers: [String: String]) -> TestClient {
        var copy = self
        copy.defaultHeaders = headers
        return copy
    }

    func send(_ method: String, _ path: String, json: JSON? = nil, body: [UInt8]? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        guard let url = URL(string: baseURL + path) else { throw TestError("bad URL \(baseURL + path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (k, v) in defaultHeaders.merging(headers, uniquingKeysWith: { _, b in b }) {
            request.setValue(v, forHTTPHeaderField: k)
        }
        if let json {
            request.httpBody = Data(json.bytes)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = Data(body)
        }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestError("not an HTTP response") }
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields {
            if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
        }
        return Reply(status: http.statusCode, headers: headers, body: Array(data))
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("GET", path, headers: headers)
    }
    func post(_ path: String, _ json: JSON? = nil, headers: [String: String] = [:]) async throws -> Reply {
        try await send("POST", path, json: json, headers: headers)
    }
    func patch(_ path: String, _ json: JSON, headers: [String: String] = [:]) async throws -> Reply {
        try await send("PATCH", path, json: json, headers: headers)
    }
    func put(_ path: String, _ json: JSON, headers: [String: String] = [:]) async throws -> Reply {
        try await send("PUT", path, json: json, headers: headers)
    }
    func delete(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("DELETE", path, headers: headers)
    }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
