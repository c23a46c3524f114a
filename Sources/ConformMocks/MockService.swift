import ConformJSON
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One API's mock: a pure request → response function over its own token store.
/// Three implementations (IONOS, Docker Hub, XMS) share this shape so the server
/// and `RunningMock` treat them alike.
protocol MockService: AnyObject, Sendable {
    /// Answers one request; never blocks beyond a short lock.
    func handle(_ request: MockRequest) -> MockResponse
    /// The announced variables, in announcement order.
    var variables: [(name: String, value: String)] { get }
    /// Names (or labels) of the tokens currently stored, in creation order.
    var liveTokenNames: [String] { get }
    /// The base URL to use in links when a request carries no `Host` header.
    func setFallbackBaseURL(_ url: String)
}

/// Seconds since 1970; injected so tests can move time.
typealias MockClock = @Sendable () -> Double

enum MockSupport {
    /// The wall clock.
    static let systemClock: MockClock = { Date().timeIntervalSince1970 }

    /// `http://<Host>` from the request, else the fallback.
    static func baseURL(of request: MockRequest, fallback: @autoclosure () -> String) -> String {
        if let host = request.header("host"), !host.isEmpty { return "http://" + host }
        return fallback()
    }

    /// The request body as a JSON value, or a reason it is not one.
    static func jsonBody(_ request: MockRequest) -> Result<JSON, BodyError> {
        if request.body.isEmpty { return .failure(BodyError(message: "request body is required")) }
        do {
            return .success(try JSONParser.value(request.body))
        } catch {
            return .failure(BodyError(message: "request body is not valid JSON: \(error.message)"))
        }
    }

    struct BodyError: Error {
        let message: String
    }

    /// Whether the text is a UUID in the 8-4-4-4-12 hex form the IONOS pattern demands.
    static func isUUID(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                let hex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
                guard hex else { return false }
            }
        }
        return true
    }
}

