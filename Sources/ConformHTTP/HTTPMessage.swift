/// One header field, as sent or received (names keep their case; compare them case-insensitively).
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether two field names are the same name: ASCII letters compared without case (RFC 9110
    /// §5.1), every other byte exactly, as names are ASCII tokens.
    public static func namesEqual(_ a: String, _ b: String) -> Bool { asciiCaseInsensitiveEqual(a, b) }
}

/// A request to send exactly as given: no header or body is added beyond what HTTP framing needs
/// (`Host`, `Content-Length`).
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    /// Sent byte for byte when present, with any method (`HEAD` excepted).
    public var body: [UInt8]?

    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A complete response. Redirects are not followed, so this is what the URL itself answered.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// "1.0", "1.1", "2" or "3".
    public var httpVersion: String
    /// Fields of the final response (after any 1xx), in the order received.
    public var headers: [HTTPHeader]
    /// The raw bytes (decoded from chunked framing, never transcoded).
    public var body: [UInt8]
    public var timing: Timing

    /// Where the time went, measured by libcurl from the start of the transfer.
    public struct Timing: Sendable, Hashable {
        public var total: Duration
        /// Until the TCP (and TLS) connection was ready; near zero when a kept-alive connection was reused.
        public var connect: Duration
        /// Until the first response byte arrived.
        public var firstByte: Duration

        public init(total: Duration, connect: Duration, firstByte: Duration) {
            self.total = total
            self.connect = connect
            self.firstByte = firstByte
        }
    }

    public init(status: Int, httpVersion: String, headers: [HTTPHeader], body: [UInt8],
                timing: Timing = Timing(total: .zero, connect: .zero, firstByte: .zero)) {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.timing = timing
    }

    /// The first value of the named header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Every value of the named header, in order, compared case-insensitively.
    public func headers(named name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEqual($0.name, name) }.map(\.value)
    }
}

/// Header names are ASCII tokens, so a byte-wise fold is exact and avoids Foundation.
func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    var ia = a.utf8.makeIterator()
    var ib = b.utf8.makeIterator()
    while true {
        switch (ia.next(), ib.next()) {
        case (nil, nil): return true
        case let (x?, y?):
            if x == y { continue }
            let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
            let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
            if lx != ly { return false }
        default: return false
        }
    }
}
