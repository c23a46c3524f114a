/// Why an exchange produced no HTTP response. Every case reads as one line a person can act on.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL could not be parsed, or its scheme is not http/https.
    case invalidURL(String, detail: String)
    /// The request itself cannot be sent as given (a header with a line break, a bad method, …).
    case invalidRequest(String)
    case couldNotResolveHost(String)
    /// Nothing listens at `address` ("host:port").
    case connectionRefused(address: String)
    /// The connection failed for another reason (unreachable network, …).
    case couldNotConnect(address: String, detail: String)
    /// The limit that fired, and what the transfer was waiting for.
    case timedOut(after: Duration, phase: TimeoutPhase)
    /// The peer reset the connection (TCP RST).
    case connectionReset(detail: String)
    /// The server closed the connection before the response was complete.
    case connectionClosed(detail: String)
    case sendFailed(detail: String)
    case receiveFailed(detail: String)
    /// TLS handshake or certificate verification failed.
    case tls(detail: String)
    /// The body exceeded `TransferOptions.maxBodyBytes`; the transfer was aborted.
    case bodyTooLarge(limit: Int)
    /// The server's bytes are not valid HTTP.
    case malformedResponse(detail: String)
    /// The awaiting task was cancelled; the transfer was removed.
    case cancelled
    /// The client was shut down before the exchange completed.
    case shutDown
    /// Any other libcurl failure.
    case other(code: Int, message: String)

    /// What a timed-out transfer was waiting for.
    public enum TimeoutPhase: String, Sendable, Hashable {
        /// Establishing the TCP/TLS connection.
        case connect
        /// Connected, but no response header had arrived.
        case response
        /// The response began but its body did not finish.
        case body
    }

    /// A stable identifier of the case, for machine-readable reports.
    public var kind: String {
        switch self {
        case .invalidURL: "invalidURL"
        case .invalidRequest: "invalidRequest"
        case .couldNotResolveHost: "couldNotResolveHost"
        case .connectionRefused: "connectionRefused"
        case .couldNotConnect: "couldNotConnect"
        case .timedOut: "timedOut"
        case .connectionReset: "connectionReset"
        case .connectionClosed: "connectionClosed"
        case .sendFailed: "sendFailed"
        case .receiveFailed: "receiveFailed"
        case .tls: "tls"
        case .bodyTooLarge: "bodyTooLarge"
        case .malformedResponse: "malformedResponse"
        case .cancelled: "cancelled"
        case .shutDown: "shutDown"
        case .other: "other"
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url, let detail):
            "invalid URL '\(url)': \(detail)"
        case .invalidRequest(let detail):
            "invalid request: \(detail)"
        case .couldNotResolveHost(let host):
            "could not resolve host '\(host)' (check the base URL and DNS)"
        case .connectionRefused(let address):
            "connection refused by \(address) (is the server running?)"
        case .couldNotConnect(let address, let detail):
            "could not connect to \(address): \(detail)"
        case .timedOut(let after, let phase):
            switch phase {
            case .connect: "timed out after \(Self.format(after)) connecting (is the host reachable?)"
            case .response: "timed out after \(Self.format(after)) waiting for the response (server accepted but did not answer)"
            case .body: "timed out after \(Self.format(after)) receiving the response body (server too slow)"
            }
        case .connectionReset(let detail):
            "connection reset by the server: \(detail)"
        case .connectionClosed(let detail):
            "server closed the connection early: \(detail)"
        case .sendFailed(let detail):
            "failed sending the request: \(detail)"
        case .receiveFailed(let detail):
            "failed receiving the response: \(detail)"
        case .tls(let detail):
            "TLS failure: \(detail) (use --ca-cert for a private CA, or --insecure for a test server)"
        case .bodyTooLarge(let limit):
            "response body larger than the limit of \(limit) bytes; transfer aborted"
        case .malformedResponse(let detail):
            "malformed HTTP response: \(detail)"
        case .cancelled:
            "request cancelled"
        case .shutDown:
            "HTTP client shut down before the request completed"
        case .other(let code, let message):
            "transfer failed (libcurl error \(code)): \(message)"
        }
    }

    /// "250 ms", "1.5 s", "30 s".
    static func format(_ d: Duration) -> String {
        let ms = d.curlMilliseconds
        if ms < 1000 { return "\(ms) ms" }
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        let tenths = (ms + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
