/// A request as the scripted server parsed it off the wire.
public struct RecordedRequest: Sendable, Hashable {
    /// One header line as received (name case kept).
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public var method: String
    /// The request target exactly as sent ("/path?query").
    public var target: String
    /// "HTTP/1.1" or "HTTP/1.0".
    public var version: String
    public var headers: [Field]
    /// Decoded body (Content-Length or chunked), byte for byte.
    public var body: [UInt8]
    /// 0-based number of the connection it arrived on, in accept order.
    public var connection: Int

    /// First value of the named header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of the named header, in order.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body as UTF-8 (invalid bytes replaced), for assertions on text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A canned response for `ScriptedServer.keepAlive`.
public struct Reply: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int = 200, headers: [(String, String)] = [], text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }
}

/// Why a scripted connection operation stopped.
public enum ServerError: Error, Sendable, Equatable {
    /// The server is stopping; handlers should return.
    case stopped
    /// The peer closed or reset the connection.
    case closed
    case timedOut
    case malformed(String)
    case system(String, errno: Int32)
}
