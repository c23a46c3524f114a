#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection, driven by a handler script on its own thread (not shared, hence
/// `@unchecked Sendable`). Every operation is bounded by a timeout and by the server's stop.
public final class ServerConnection: @unchecked Sendable {
    /// 0-based accept order.
    public let index: Int
    private let core: ServerCore
    private var fd: Int32
    private var buffer: [UInt8] = []
    private static let maxHeadBytes = 64 * 1024

    init(fd: Int32, index: Int, core: ServerCore) {
        self.fd = fd
        self.index = index
        self.core = core
    }

    deinit { close() }

    // MARK: Reading

    /// Reads and logs the next request; nil when the peer closed the connection cleanly between requests.
    public func readRequest(timeout: Duration = .seconds(5)) throws(ServerError) -> RecordedRequest? {
        let deadline = ContinuousClock.now + timeout
        var headEnd: Int
        while true {
            if let end = Self.find([13, 10, 13, 10], in: buffer) { headEnd = end; break }
            if buffer.count > Self.maxHeadBytes { throw .malformed("request head over \(Self.maxHeadBytes) bytes") }
            if try !fill(until: deadline) {
                if buffer.isEmpty { return nil }
                throw .closed
            }
        }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { throw .malformed("request line '\(requestLine.joined(separator: " "))'") }
        var headers: [RecordedRequest.Field] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line '\(line)'") }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            headers.append(.init(name: String(line[..<colon]), value: value))
        }
        var request = RecordedRequest(method: String(requestLine[0]), target: String(requestLine[1]),
                                      version: String(requestLine[2]), headers: headers, body: [],
                                      connection: index)
        if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            request.body = try readChunkedBody(until: deadline)
        } else if let length = request.header("Content-Length") {
            guard let n = Int(length), n >= 0 else { throw .malformed("Content-Length '\(length)'") }
            request.body = try readExactly(n, until: deadline)
        }
        core.record(request)
        return request
    }

    /// Waits until the client closes (or resets) the connection; false on timeout or stop.
    public func waitForPeerClose(timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        do {
            while try fill(until: deadline) { buffer.removeAll() }
            return true
        } catch {
            return error == .closed
        }
    }

    // MARK: Writing

    /// Writes raw bytes exactly as given.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(10)) throws(ServerError) {
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            guard fd >= 0 else { throw .closed }
            try Socket.wait(fd, events: Int32(POLLOUT), stopFD: core.stopRead, until: deadline)
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { offset += n; continue }
            let e = errno
            if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { continue }
            if e == EPIPE || e == ECONNRESET { throw .closed }
            throw .system("send", errno: e)
        }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String, timeout: Duration = .seconds(10)) throws(ServerError) {
        try write(Array(text.utf8), timeout: timeout)
    }

    /// A complete response; `Content-Length` is added unless the headers frame the body themselves.
    public func respond(status: Int = 200, reason: String? = nil, headers: [(String, String)] = [],
                        body: [UInt8] = [], version: String = "HTTP/1.1") throws(ServerError) {
        var head = "\(version) \(status) \(reason ?? Self.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let framed = headers.contains {
            ["content-length", "transfer-encoding"].contains($0.0.lowercased())
        }
        if !framed { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + body)
    }

    /// `respond` with a UTF-8 text body.
    public func respond(status: Int = 200, headers: [(String, String)] = [], text: String) throws(ServerError) {
        try respond(status: status, headers: headers, body: Array(text.utf8))
    }

    // MARK: Behaviour

    /// Sleeps for `duration`; throws `.stopped` at once if the server stops meanwhile.
    public func sleep(_ duration: Duration) throws(ServerError) {
        do {
            try Socket.wait(-1, events: 0, stopFD: core.stopRead, until: .now + duration)
        } catch .timedOut {
            return
        }
    }

    /// Graceful close (FIN). Idempotent.
    public func close() {
        guard fd >= 0 else { return }
        _ = shutdown(fd, Int32(SHUT_WR))
        _ = Glibc.close(fd)
        fd = -1
    }

    /// Abortive close: the peer sees a TCP RST ("connection reset by peer"). Idempotent.
    public func reset() {
        guard fd >= 0 else { return }
        Socket.setAbortiveClose(fd)
        _ = Glibc.close(fd)
        fd = -1
    }

    // MARK: Private

    /// Reads what is available into `buffer`; false at end of stream.
    private func fill(until deadline: ContinuousClock.Instant) throws(ServerError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            guard fd >= 0 else { throw .closed }
            try Socket.wait(fd, events: Int32(POLLIN), stopFD: core.stopRead, until: deadline)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[..<n]); return true }
            if n == 0 { return false }
            let e = errno
            if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { continue }
            if e == ECONNRESET { throw .closed }
            throw .system("recv", errno: e)
        }
    }

    private func readExactly(_ count: Int, until deadline: ContinuousClock.Instant) throws(ServerError) -> [UInt8] {
        while buffer.count < count {
            if try !fill(until: deadline) { throw .closed }
        }
        let out = Array(buffer[..<count])
        buffer.removeFirst(count)
        return out
    }

    private func readLine(until deadline: ContinuousClock.Instant) throws(ServerError) -> String {
        while true {
            if let end = Self.find([13, 10], in: buffer) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            if buffer.count > Self.maxHeadBytes { throw .malformed("line over \(Self.maxHeadBytes) bytes") }
            if try !fill(until: deadline) { throw .closed }
        }
    }

    private func readChunkedBody(until deadline: ContinuousClock.Instant) throws(ServerError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine(until: deadline)
            let hex = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(hex.trimmingCharacters(in: " \t"), radix: 16), size >= 0 else {
                throw .malformed("chunk size '\(sizeLine)'")
            }
            if size == 0 {
                while try !readLine(until: deadline).isEmpty {}  // trailers
                return body
            }
            body += try readExactly(size, until: deadline)
            guard try readLine(until: deadline).isEmpty else { throw .malformed("chunk not followed by CRLF") }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
