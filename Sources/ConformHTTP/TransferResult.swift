import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Transfer {
    /// Turns the finished exchange into a response or a classified error. Runs on the sending task,
    /// after the loop has handed the transfer back.
    func result(for request: HTTPRequest, options: TransferOptions) -> Result<HTTPResponse, TransportError> {
        switch outcome {
        case .pending: return .failure(.other(code: -1, message: "transfer finished without an outcome"))
        case .cancelled: return .failure(.cancelled)
        case .shutDown: return .failure(.shutDown)
        case .done(let code) where code == CURLE_OK: return .success(response())
        case .done(let code): return .failure(error(for: code, request: request, options: options))
        }
    }

    private func response() -> HTTPResponse {
        var status = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var version = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
        var received: [UInt8] = []
        swap(&received, &body)  // hand the buffer over without a copy
        return HTTPResponse(status: status, httpVersion: Self.versionName(version),
                            headers: HeaderParser.fields(of: headerBytes), body: received, timing: timing())
    }

    private func timing() -> HTTPResponse.Timing {
        func micros(_ info: CURLINFO) -> Duration {
            var v: curl_off_t = 0
            _ = ccurl_easy_getinfo_off_t(easy, info, &v)
            return .microseconds(v)
        }
        let connect = max(micros(CURLINFO_CONNECT_TIME_T), micros(CURLINFO_APPCONNECT_TIME_T))
        return .init(total: micros(CURLINFO_TOTAL_TIME_T), connect: connect,
                     firstByte: micros(CURLINFO_STARTTRANSFER_TIME_T))
    }

    private static func versionName(_ v: Int) -> String {
        switch v {
        case CURL_HTTP_VERSION_1_0: "1.0"
        case CURL_HTTP_VERSION_1_1: "1.1"
        case CURL_HTTP_VERSION_2_0: "2"
        case CURL_HTTP_VERSION_3: "3"
        default: "?"
        }
    }

    private func error(for code: CURLcode, request: HTTPRequest, options: TransferOptions) -> TransportError {
        let message = errorMessage(code)
        var osErrno = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
        let wasReset = osErrno == Int(ECONNRESET) || osErrno == Int(EPIPE) || message.contains("reset by peer")

        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL where connected:
            // After connecting, this code means the reply was not HTTP (libcurl refuses HTTP/0.9).
            return .malformedResponse(detail: message)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(request.url, detail: message)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .couldNotResolveHost(URLParts.host(of: request.url))
        case CURLE_COULDNT_CONNECT:
            let address = peerAddress(url: request.url)
            return osErrno == Int(ECONNREFUSED) ? .connectionRefused(address: address)
                : .couldNotConnect(address: address, detail: message)
        case CURLE_OPERATION_TIMEDOUT:
            if !connected {
                return .timedOut(after: min(options.connectTimeout, options.timeout), phase: .connect)
            }
            return .timedOut(after: options.timeout, phase: headerBytes.isEmpty ? .response : .body)
        case CURLE_WRITE_ERROR where bodyOverflowed, CURLE_FILESIZE_EXCEEDED:
            return .bodyTooLarge(limit: options.maxBodyBytes)
        case CURLE_GOT_NOTHING:
            return wasReset ? .connectionReset(detail: message)
                : .connectionClosed(detail: "no response was sent before the connection closed")
        case CURLE_PARTIAL_FILE:
            return wasReset ? .connectionReset(detail: message) : .connectionClosed(detail: message)
        case CURLE_RECV_ERROR:
            return wasReset ? .connectionReset(detail: message) : .receiveFailed(detail: message)
        case CURLE_SEND_ERROR:
            return wasReset ? .connectionReset(detail: message) : .sendFailed(detail: message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CLIENTCERT:
            return .tls(detail: message)
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_BAD_CONTENT_ENCODING,
             CURLE_TOO_MANY_REDIRECTS:
            return .malformedResponse(detail: message)
        default:
            return .other(code: Int(code.rawValue), message: message)
        }
    }

    /// "ip:port" of the peer libcurl tried, or the URL's authority when it got no further.
    private func peerAddress(url: String) -> String {
        var ipPointer: UnsafeMutableRawPointer?
        var port = 0
        _ = ccurl_easy_getinfo_ptr(easy, CURLINFO_PRIMARY_IP, &ipPointer)
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_PRIMARY_PORT, &port)
        if let ipPointer, port > 0 {
            let ip = String(cString: ipPointer.assumingMemoryBound(to: CChar.self))
            if !ip.isEmpty { return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
        }
        return URLParts.authority(of: url)
    }
}

/// Minimal URL slicing for error messages only (libcurl does the real parsing).
enum URLParts {
    /// "host:port" as written in the URL (user info dropped).
    static func authority(of url: String) -> String {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") { rest = rest[r.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }

    /// The host without port or IPv6 brackets.
    static func host(of url: String) -> String {
        let authority = Substring(authority(of: url))
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return String(authority)
    }
}
