import CCurl

/// One reusable libcurl easy handle and the state of the exchange it is carrying.
///
/// Ownership passes between threads, never shared: the sending task configures it, hands it to the
/// loop thread through the loop's mutex, and gets it back when the continuation resumes. That
/// hand-over is the synchronisation, hence `@unchecked Sendable`.
final class Transfer: @unchecked Sendable {
    enum Outcome {
        case pending
        case done(CURLcode)
        case cancelled
        case shutDown
    }

    let easy: UnsafeMutableRawPointer
    /// Identifies the exchange (not the handle), so a late cancellation can't hit the handle's next use.
    var id: UInt64 = 0
    var continuation: UnsafeContinuation<Void, Never>?
    var outcome: Outcome = .pending

    // Filled by libcurl callbacks on the loop thread.
    var body: [UInt8] = []
    /// Raw header lines of the latest response seen (reset at each status line, so 1xx are dropped).
    var headerBytes: [UInt8] = []
    var maxBody = 0
    var bodyOverflowed = false
    /// Set once the connection is ready and the request is about to be sent.
    var connected = false

    /// Header lists built for this handle, oldest first, with the headers each was built from: a
    /// scenario's requests alternate between a few header sets (with a body and without), and
    /// building a list anew for every request was 2 % of the transfer thread.
    private var headerLists: [(headers: [HTTPHeader], list: UnsafeMutablePointer<curl_slist>?)] = []
    /// The index in `headerLists` of the list libcurl points at; nil after a reset.
    private var currentHeaderList: Int?
    private static let keptHeaderLists = 4
    /// Set when an option libcurl can only restore by a full reset was changed.
    private var needsReset = true
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(easy)
        for entry in headerLists { curl_slist_free_all(entry.list) }
        errorBuffer.deallocate()
    }

    /// libcurl's last error text for this exchange, or the generic text of `code`.
    func errorMessage(_ code: CURLcode) -> String {
        errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }

    /// Clears per-exchange state before the handle goes back to the pool.
    func recycle() {
        body = []
        headerBytes.removeAll(keepingCapacity: true)
        bodyOverflowed = false
        connected = false
        outcome = .pending
        continuation = nil
    }

    /// Configures the easy handle for `request`.
    ///
    /// The handle is not reset between uses (a reset re-initialises every option and costs as much
    /// as the rest of the set-up): every option that varies per request is set on each call, and
    /// the fixed ones once. Only `CAINFO`, whose default path libcurl alone knows, forces a reset.
    func prepare(_ request: HTTPRequest, options: TransferOptions) throws(TransportError) {
        try Self.validate(request)
        if request.method == "HEAD" && request.body != nil {
            throw .invalidRequest("a HEAD request cannot carry a body")
        }
        let h = easy
        if needsReset {
            curl_easy_reset(h)
            setFixedOptions()
            needsReset = false
            currentHeaderList = nil
        }
        errorBuffer.pointee = 0
        maxBody = options.maxBodyBytes

        if ccurl_easy_setopt_ptr(h, CURLOPT_URL, request.url) != CURLE_OK {
            throw .invalidURL(request.url, detail: "libcurl rejected it")
        }
        _ = ccurl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, options.timeout.curlMilliseconds)
        _ = ccurl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.curlMilliseconds)
        _ = ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0 : 1)
        _ = ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0 : 2)
        if let ca = options.caCertPath {
            _ = ccurl_easy_setopt_ptr(h, CURLOPT_CAINFO, ca)
            needsReset = true
        }
        let isHead = request.method == "HEAD"
        // Refuse early on a declared Content-Length; the write callback enforces it for the rest.
        // Not for HEAD: its Content-Length describes a body that never comes. 0 = no limit.
        let declaredLimit = options.maxBodyBytes > 0 && !isHead ? options.maxBodyBytes : 0
        _ = ccurl_easy_setopt_off_t(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(declaredLimit))
        configureMethod(request, isHead: isHead)
        configureHeaders(request.headers)
    }

    /// Options that never vary; set on a new or reset handle.
    private func setFixedOptions() {
        let h = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        // Signals can't interrupt a thread safely; timeouts are driven by the multi handle instead.
        _ = ccurl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_ptr(h, CURLOPT_PRIVATE, me)
        _ = ccurl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_easy_setopt_write_fn(h, CURLOPT_WRITEFUNCTION, bodyCallback)
        _ = ccurl_easy_setopt_ptr(h, CURLOPT_WRITEDATA, me)
        _ = ccurl_easy_setopt_write_fn(h, CURLOPT_HEADERFUNCTION, headerCallback)
        _ = ccurl_easy_setopt_ptr(h, CURLOPT_HEADERDATA, me)
        _ = ccurl_easy_setopt_prereq_fn(h, prereqCallback)
        _ = ccurl_easy_setopt_ptr(h, CURLOPT_PREREQDATA, me)
        // Only HTTP(S): a scenario must never read file:// or talk to other protocols.
        _ = ccurl_easy_setopt_ptr(h, CURLOPT_PROTOCOLS_STR, "http,https")
        // A contract test sends the path it was given: no "/../" squashing.
        _ = ccurl_easy_setopt_long(h, CURLOPT_PATH_AS_IS, 1)
    }

    /// Sets the method and body, undoing whatever the previous use of the handle set.
    private func configureMethod(_ request: HTTPRequest, isHead: Bool) {
        let h = easy
        let method = request.method
        _ = ccurl_easy_setopt_long(h, CURLOPT_NOBODY, 0)  // leaves HEAD if the last use was one
        if isHead {
            _ = ccurl_easy_setopt_long(h, CURLOPT_HTTPGET, 1)
            _ = ccurl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, nil)
            _ = ccurl_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        } else if let body = request.body {
            // Binary safe: the size is given, so NUL bytes are sent too. Size must precede the copy.
            _ = ccurl_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            if body.isEmpty {
                _ = ccurl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                _ = body.withUnsafeBytes { ccurl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
            if method == "POST" {
                _ = ccurl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, nil)
            } else {
                _ = ccurl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, method)
            }
        } else if method == "POST" {
            // An empty body: without POSTFIELDS, libcurl would read the body from stdin.
            _ = ccurl_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            _ = ccurl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, "")
            _ = ccurl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, nil)
        } else {
            _ = ccurl_easy_setopt_long(h, CURLOPT_HTTPGET, 1)  // no body sent, whatever was copied before
            if method == "GET" {
                _ = ccurl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, nil)
            } else {
                _ = ccurl_easy_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, method)
            }
        }
    }

    /// Points libcurl at the header list for `headers`, built unless one of the last few requests
    /// on this handle sent the same headers.
    private func configureHeaders(_ headers: [HTTPHeader]) {
        if let index = headerLists.firstIndex(where: { $0.headers == headers }) {
            if index != currentHeaderList {
                _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HTTPHEADER, headerLists[index].list)
                currentHeaderList = index
            }
            return
        }
        let list = Self.headerList(headers)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HTTPHEADER, list)
        if headerLists.count == Self.keptHeaderLists {
            // libcurl points at the new list now, so the oldest can go.
            curl_slist_free_all(headerLists.removeFirst().list)
        }
        headerLists.append((headers, list))
        currentHeaderList = headerLists.count - 1
    }

    /// The curl header list sending exactly `headers`.
    private static func headerList(_ headers: [HTTPHeader]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        var hasAccept = false, hasExpect = false, hasContentType = false
        for header in headers {
            if asciiCaseInsensitiveEqual(header.name, "Accept") { hasAccept = true }
            if asciiCaseInsensitiveEqual(header.name, "Expect") { hasExpect = true }
            if asciiCaseInsensitiveEqual(header.name, "Content-Type") { hasContentType = true }
            // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
            let line = header.value.isEmpty ? header.name + ";" : header.name + ": " + header.value
            list = curl_slist_append(list, line)
        }
        // "Name:" removes a header libcurl would add on its own, so only the given ones are sent.
        if !hasAccept { list = curl_slist_append(list, "Accept:") }
        if !hasExpect { list = curl_slist_append(list, "Expect:") }  // no 100-continue round trip
        if !hasContentType { list = curl_slist_append(list, "Content-Type:") }  // not x-www-form-urlencoded
        return list
    }

    /// Rejects what libcurl would send malformed or what would smuggle extra header lines.
    private static func validate(_ request: HTTPRequest) throws(TransportError) {
        if request.method.isEmpty || !request.method.utf8.allSatisfy(isTokenByte) {
            throw .invalidRequest("method '\(request.method)' is not a valid HTTP token")
        }
        for header in request.headers {
            if header.name.isEmpty || !header.name.utf8.allSatisfy(isTokenByte) {
                throw .invalidRequest("header name '\(header.name)' is not a valid HTTP token")
            }
            if header.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
                throw .invalidRequest("the value of header '\(header.name)' contains a line break or NUL")
            }
        }
        if request.url.utf8.contains(where: { $0 <= 32 || $0 == 127 }) {
            throw .invalidURL(request.url, detail: "it contains spaces or control characters")
        }
    }

    /// RFC 9110 tchar.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    // MARK: Called on the loop thread from libcurl callbacks.

    func receiveBody(_ data: UnsafeRawBufferPointer) -> Int {
        if body.count + data.count > maxBody {
            bodyOverflowed = true
            return 0  // anything but data.count aborts with CURLE_WRITE_ERROR
        }
        if body.isEmpty {
            // One allocation for bodies of known size (bounded by the cap).
            var length: curl_off_t = -1
            if ccurl_easy_getinfo_off_t(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK, length > 0 {
                body.reserveCapacity(min(Int(length), maxBody))
            }
        }
        body.append(contentsOf: data)
        return data.count
    }

    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) { headerBytes.removeAll(keepingCapacity: true) }
        headerBytes.append(contentsOf: line)
    }
}

// C callbacks: they capture nothing, and reach the Transfer through their user-data pointer.

private let bodyCallback: curl_write_callback = { ptr, size, count, user in
    let n = size * count
    guard let ptr, let user else { return n }
    let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: ptr, count: n))
}

private let headerCallback: curl_write_callback = { ptr, size, count, user in
    let n = size * count
    guard let ptr, let user else { return n }
    Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        .receiveHeaderLine(UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let prereqCallback: curl_prereq_callback = { user, _, _, _, _ in
    if let user { Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue().connected = true }
    return CURL_PREREQFUNC_OK
}
