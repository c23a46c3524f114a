import ConformJSON
import Foundation

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

/// A minimal HTTP/1.1 client for the mock tests: one connection per request.
///
/// Not URLSession: on Linux its `data(for:)` never returns for a 401 that carries
/// `WWW-Authenticate` when no delegate answers the challenge, which the auth tests need.
struct TestClient: Sendable {
    let baseURL: String
    /// Headers sent with every request (credentials).
    var defaultHeaders: [String: String] = [:]

    func send(_ method: String, _ path: String, json: JSON? = nil, body: [UInt8]? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        guard let hostPort = baseURL.split(separator: "/").dropFirst().first,
              let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]) else {
            throw TestError("bad base URL \(baseURL)")
        }
        let host = String(hostPort[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var fields = defaultHeaders.merging(headers, uniquingKeysWith: { _, b in b })
        var payload: [UInt8] = []
        if let json {
            payload = json.bytes
            if fields["Content-Type"] == nil { fields["Content-Type"] = "application/json" }
        } else if let body {
            payload = body
        }
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(hostPort)\r\nConnection: close\r\n"
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) { text += "\(k): \(v)\r\n" }
        if !payload.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { text += "Content-Length: \(payload.count)\r\n" }
        text += "\r\n"
        let connection = try RawConnection(port: port, host: host)
        try connection.send(Array(text.utf8) + payload)
        guard let response = try connection.readResponse() else { throw TestError("no response to \(method) \(path)") }
        return Reply(status: response.status, headers: response.headers, body: response.body)
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
