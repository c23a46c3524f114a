import ConformHTTP
import ConformJSON
import ConformScenario
import Foundation

/// A request with every placeholder filled in, ready to send.
public struct PreparedRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [Header]
    public var body: [UInt8]?
    /// Rendered credentials (masked everywhere).
    public var credentials: [String]
    /// The header and query names that carry credentials, to drop on a redirect to another host.
    public var credentialHeaderNames: Set<String>
    public var credentialQueryNames: Set<String>
    public var timeout: Double?
    public var followRedirects: Bool

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public func header(_ name: String) -> String? {
        headers.first { HTTPHeader.namesEqual($0.name, name) }?.value
    }
}

/// Renders request templates (pure: no I/O).
public enum RequestRenderer {
    /// Characters left as they are in a query name or value (RFC 3986 unreserved).
    static let queryAllowed: CharacterSet = {
        var s = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        s.insert(charactersIn: "-._~")
        return s
    }()

    public static func render(_ t: RequestTemplate, defaults: RequestDefaults, baseURL: String?,
                              scope: Scope) throws(InterpolationError) -> PreparedRequest {
        var url: String
        switch t.target {
        case .url(let u):
            url = try u.render(in: scope)
        case .path(let p):
            guard let baseURL, !baseURL.isEmpty else {
                throw InterpolationError("the step uses a 'path' but no base URL is set (use --base-url or --mock)")
            }
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            url = base + (try p.render(in: scope))
        }
        var query: [(String, String)] = []
        for (name, value) in t.query { query.append((name, try value.render(in: scope))) }

        var headers: [PreparedRequest.Header] = []
        func setHeader(_ name: String, _ value: String) {
            headers.removeAll { HTTPHeader.namesEqual($0.name, name) }
            headers.append(.init(name: name, value: value))
        }
        for (name, value) in defaults.headers { setHeader(name, try value.render(in: scope)) }
        for (name, value) in t.headers { setHeader(name, try value.render(in: scope)) }

        var credentials: [String] = []
        var credentialHeaders: Set<String> = []
        var credentialQuery: Set<String> = []
        switch t.auth ?? defaults.auth ?? .none {
        case .none:
            break
        case .basic(let user, let password):
            let u = try user.render(in: scope)
            let p = try password.render(in: scope)
            let token = Data("\(u):\(p)".utf8).base64EncodedString()
            setHeader("Authorization", "Basic \(token)")
            credentials += [p, token]
            credentialHeaders.insert("authorization")
        case .bearer(let token):
            let v = try token.render(in: scope)
            setHeader("Authorization", "Bearer \(v)")
            credentials.append(v)
            credentialHeaders.insert("authorization")
        case .header(let name, let value):
            let v = try value.render(in: scope)
            setHeader(name, v)
            credentials.append(v)
            credentialHeaders.insert(name.lowercased())
        case .query(let name, let value):
            let v = try value.render(in: scope)
            query.append((name, v))
            credentials.append(v)
            credentialQuery.insert(name)
        }

        var body: [UInt8]?
        switch t.body {
        case .json(let j)?:
            body = try j.render(in: scope).bytes
            if !headers.contains(where: { HTTPHeader.namesEqual($0.name, "Content-Type") }) {
                headers.append(.init(name: "Content-Type", value: "application/json"))
            }
        case .raw(let r)?:
            body = Array(try r.render(in: scope).utf8)
        case nil:
            break
        }
        if !headers.contains(where: { HTTPHeader.namesEqual($0.name, "Accept") }) {
            headers.append(.init(name: "Accept", value: "application/json"))
        }

        if !query.isEmpty {
            let encoded = query.map { encodeQuery($0.0) + "=" + encodeQuery($0.1) }.joined(separator: "&")
            url += (url.contains("?") ? "&" : "?") + encoded
        }
        return PreparedRequest(method: t.method, url: url, headers: headers, body: body, credentials: credentials,
                               credentialHeaderNames: credentialHeaders, credentialQueryNames: credentialQuery,
                               timeout: t.timeout, followRedirects: t.followRedirects)
    }

    public static func encodeQuery(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? s
    }

    /// The request to send for a redirect, or `nil` when `location` is unusable.
    /// Credentials are dropped when the redirect leaves the original scheme, host or port.
    public static func redirect(_ request: PreparedRequest, status: Int, location: String) -> PreparedRequest? {
        guard let base = URL(string: request.url), let target = URL(string: location, relativeTo: base)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        var next = request
        next.url = target.absoluteString
        if status == 303 || ((status == 301 || status == 302) && request.method == "POST") {
            next.method = "GET"
            next.body = nil
            next.headers.removeAll { HTTPHeader.namesEqual($0.name, "Content-Type") }
        }
        let sameOrigin = base.scheme?.lowercased() == scheme && base.host?.lowercased() == target.host?.lowercased()
            && (base.port ?? defaultPort(scheme)) == (target.port ?? defaultPort(scheme))
        if !sameOrigin {
            next.headers.removeAll { request.credentialHeaderNames.contains($0.name.lowercased()) }
            if !request.credentialQueryNames.isEmpty, var parts = URLComponents(string: next.url) {
                parts.queryItems = parts.queryItems?.filter { !request.credentialQueryNames.contains($0.name) }
                if parts.queryItems?.isEmpty == true { parts.queryItems = nil }
                next.url = parts.string ?? next.url
            }
            next.credentialHeaderNames = []
            next.credentialQueryNames = []
        }
        return next
    }

    static func defaultPort(_ scheme: String) -> Int { scheme == "https" ? 443 : 80 }
}
