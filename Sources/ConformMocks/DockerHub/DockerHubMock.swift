import ConformJSON
import OrderedCollections
import Synchronization

/// Docker Hub organization access tokens, served at the documented paths
/// (`/v2/auth/token`, `/v2/orgs/{name}/access-tokens[/{id}]`) under the mock's root.
final class DockerHubMock: MockService {
    /// Lifetime of an exchanged JWT (documented: 10 minutes).
    static let jwtLifetime: Double = 600
    /// Issued JWTs kept before expired ones are pruned.
    private static let grantPruneThreshold = 50_000

    let credentials: DockerHubCredentials
    let faults: Set<DockerHubFault>
    let tokenLimit: Int?
    private let now: MockClock
    private let state = Mutex(State())

    private struct State {
        var tokens: OrderedDictionary<String, DockerHubToken> = [:]
        var deleted: [String: DockerHubToken] = [:]
        var grants: OrderedDictionary<String, DockerHubGrant> = [:]
        var fallbackBaseURL = ""
    }

    init(credentials: DockerHubCredentials, faults: Set<DockerHubFault> = [], tokenLimit: Int? = 100,
         now: @escaping MockClock = MockSupport.systemClock) {
        self.credentials = credentials
        self.faults = faults
        self.tokenLimit = tokenLimit
        self.now = now
    }

    /// Random credentials for one start; the announced JWT is issued for the owner.
    static func randomCredentials(now: Double = MockSupport.systemClock()) -> DockerHubCredentials {
        let identifier = "user" + RandomText.lowerAlphanumeric(8)
        return DockerHubCredentials(org: "org" + RandomText.lowerAlphanumeric(8), identifier: identifier,
                                    secret: "dckr_pat_" + RandomText.alphanumeric(27),
                                    jwt: makeJWT(subject: identifier, issuedAt: now, lifetime: 10 * 365 * 86_400))
    }

    var variables: [(name: String, value: String)] {
        [("org", credentials.org), ("token", credentials.jwt), ("identifier", credentials.identifier),
         ("secret", credentials.secret)]
    }

    var liveTokenNames: [String] { state.withLock { $0.tokens.values.map(\.label) } }

    func setFallbackBaseURL(_ url: String) { state.withLock { $0.fallbackBaseURL = url } }

    // MARK: Routing

    func handle(_ request: MockRequest) -> MockResponse {
        let s = request.path.split(separator: "/", omittingEmptySubsequences: false)
        if s.count == 4, s[0].isEmpty, s[1] == "v2", s[2] == "auth", s[3] == "token" {
            guard request.method == "POST" else { return Self.methodNotAllowed(request, allowed: ["POST"]) }
            return exchange(request)
        }
        guard s.count == 5 || s.count == 6, s[0].isEmpty, s[1] == "v2", s[2] == "orgs", !s[3].isEmpty,
              s[4] == "access-tokens", s.count == 5 || !s[5].isEmpty else {
            return Self.error(404, "Not found", "no route for \(request.method) \(request.path)")
        }
        let org = URLText.percentDecoded(s[3])
        let id = s.count == 6 ? URLText.percentDecoded(s[5]).lowercased() : nil
        let allowed = id == nil ? ["GET", "POST"] : ["GET", "PATCH", "DELETE"]
        guard allowed.contains(request.method) else { return Self.methodNotAllowed(request, allowed: allowed) }
        if !faults.contains(.authIgnored) {
            switch principal(request) {
            case nil:
                var response = Self.error(401, "Unauthorized", "authentication credentials were not provided or are invalid")
                response.headers.append(("WWW-Authenticate", #"Bearer realm="conform-mock""#))
                return response
            case .oat?:
                return Self.error(403, "Forbidden", "organization access tokens cannot manage organization access tokens")
            case .owner?:
                break
            }
        }
        guard org.lowercased() == credentials.org.lowercased() else {
            return Self.error(404, "Not found", "organization \(org) not found")
        }
        let base = MockSupport.baseURL(of: request, fallback: state.withLock { $0.fallbackBaseURL })
            + "/v2/orgs/\(URLText.percentEncoded(credentials.org))/access-tokens"
        switch (request.method, id) {
        case ("GET", nil): return list(request, base: base)
        case ("POST", nil): return create(request)
        case ("GET", let id?): return get(id)
        case ("PATCH", let id?): return patch(id, request)
        case ("DELETE", let id?): return delete(id)
        default: return Self.error(404, "Not found", "no route for \(request.method) \(request.path)")
        }
    }

    /// Who the bearer JWT speaks for; `nil` when missing, unknown or expired.
    private func principal(_ request: MockRequest) -> DockerHubPrincipal? {
        guard let value = request.header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let jwt = String(parts[1].drop(while: { $0 == " " }))
        if jwt == credentials.jwt { return .owner }
        let t = now()
        return state.withLock { s in
            guard let grant = s.grants[jwt] else { return nil }
            guard grant.expires > t else {
                s.grants.removeValue(forKey: jwt)
                return nil
            }
            return grant.principal
        }
    }

    // MARK: Operations

    /// `POST /v2/auth/token`: the owner's username + PAT, or the org name + an active OAT.
    private func exchange(_ request: MockRequest) -> MockResponse {
        let body: JSON
        switch MockSupport.jsonBody(request) {
        case .success(let v): body = v
        case .failure(let e): return Self.valueError(e.message, [])
        }
        var problems = FieldProblems()
        guard case .object(let o) = body else { return Self.valueError("request body must be a JSON object", []) }
        for key in ["identifier", "secret"] {
            switch o[key] {
            case nil: problems.add(key, "This field is required.")
            case .string?: break
            case let other?: problems.add(key, "Must be a string, not \(other.typeName).")
            }
        }
        guard problems.isEmpty, let identifier = o["identifier"]?.stringValue, let secret = o["secret"]?.stringValue else {
            return Self.valueError("invalid request", problems.items)
        }
        let t = now()
        let allowInactive = faults.contains(.deactivatedTokenExchanges)
        let principal: DockerHubPrincipal? = state.withLock { s in
            if identifier.lowercased() == credentials.identifier.lowercased(), secret == credentials.secret { return .owner }
            guard identifier.lowercased() == credentials.org.lowercased(),
                  let index = s.tokens.values.firstIndex(where: { $0.secret == secret }) else { return nil }
            let token = s.tokens.values[index]
            guard token.isActive || allowInactive, !token.isExpired(at: t) else { return nil }
            s.tokens.values[index].lastUsedAt = RFC3339.format(t)
            return .oat(token.id)
        }
        guard let principal else {
            return .json(401, ["errinfo": [:], "detail": "Incorrect authentication credentials",
                               "message": "Incorrect authentication credentials"])
        }
        let jwt = Self.makeJWT(subject: identifier, issuedAt: t, lifetime: Self.jwtLifetime)
        state.withLock { s in
            if s.grants.count >= Self.grantPruneThreshold {
                s.grants.removeAll { $0.value.expires <= t }
                // Still full: forget the oldest half; a mock may drop sessions rather than grow without bound.
                if s.grants.count >= Self.grantPruneThreshold { s.grants.removeFirst(s.grants.count / 2) }
            }
            s.grants[jwt] = DockerHubGrant(principal: principal, expires: t + Self.jwtLifetime)
        }
        return .json(200, ["access_token": .string(jwt)])
    }

    private func list(_ request: MockRequest, base: String) -> MockResponse {
        var problems = FieldProblems()
        let page = Self.positiveNumber(request.queryValue("page"), default: 1, field: "page", &problems)
        let size = Self.positiveNumber(request.queryValue("page_size"), default: 10, field: "page_size", &problems)
        guard problems.isEmpty else { return Self.valueError("invalid query parameters", problems.items) }
        let (offsetProduct, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        let offset = overflow ? Int.max : offsetProduct
        let reveal = faults.contains(.secretInList)
        let (items, total): ([DockerHubToken], Int) = state.withLock { s in
            let w = Paging.window(count: s.tokens.count, offset: offset, limit: size,
                                  offByOne: faults.contains(.paginationOffByOne),
                                  duplicate: faults.contains(.duplicateAcrossPages))
            return (Array(s.tokens.values[w]), s.tokens.count)
        }
        if faults.contains(.pastEndError), page > 1, offset >= total {
            return Self.error(404, "Invalid page.", "Invalid page.")
        }
        func link(_ p: Int) -> JSON { .string("\(base)?page=\(p)&page_size=\(size)") }
        let hasNext = offset < total && total - offset > size
        let body: JSON = [
            "total": .number(Double(total + (faults.contains(.wrongTotal) ? 1 : 0))),
            "next": hasNext || faults.contains(.nextOnLastPage) ? link(page + 1) : .null,
            "previous": page > 1 ? link(page - 1) : .null,
            "results": .array(items.map { render($0, resources: false, revealSecret: reveal) }),
        ]
        return .json(200, body)
    }

    private func create(_ request: MockRequest) -> MockResponse {
        let input: DockerHubValidation.Create
        switch parse(request, { v, p in DockerHubValidation(lenient: faults.contains(.validationSkipped)).create(v, problems: &p) }) {
        case .success(let i): input = i
        case .failure(let e): return e.response
        }
        let token = DockerHubToken(id: RandomText.uuid(), label: input.label, description: input.description,
                                   resources: input.resources, isActive: true, createdAt: RFC3339.format(now()),
                                   createdBy: credentials.identifier, expiresAt: input.expiresAt,
                                   expiresAtSeconds: input.expiresAtSeconds, lastUsedAt: nil,
                                   secret: "dckr_oat_" + RandomText.alphanumeric(27))
        let limit = tokenLimit
        let inserted: Bool = state.withLock { s in
            if let limit, s.tokens.count >= limit { return false }
            s.tokens[token.id] = token
            return true
        }
        // The per-organization limit's error is not documented; 403 [INFERRED].
        guard inserted else {
            return Self.error(403, "Forbidden", "the organization already holds \(limit ?? 0) access tokens")
        }
        let status = faults.contains(.wrongSuccessStatus) ? 200 : 201
        return .json(status, render(token, resources: true, revealSecret: true))
    }

    private func get(_ id: String) -> MockResponse {
        let found: DockerHubToken? = state.withLock { s in
            s.tokens[id] ?? (faults.contains(.deletedStillReadable) ? s.deleted[id] : nil)
        }
        guard let token = found else { return Self.error(404, "Not found", "access token \(id) not found") }
        return .json(200, render(token, resources: true, revealSecret: faults.contains(.secretOnGet)))
    }

    private func patch(_ id: String, _ request: MockRequest) -> MockResponse {
        let input: DockerHubValidation.Update
        switch parse(request, { v, p in DockerHubValidation(lenient: faults.contains(.validationSkipped)).update(v, problems: &p) }) {
        case .success(let i): input = i
        case .failure(let e): return e.response
        }
        let t = now()
        let persist = !faults.contains(.patchNotPersisted)
        enum Outcome { case updated(DockerHubToken), missing, expired }
        let outcome: Outcome = state.withLock { s in
            guard var token = s.tokens[id] else { return .missing }
            // "An expired token can only be deleted" (Docker's docs); status not documented, 403 [INFERRED].
            if token.isExpired(at: t) { return .expired }
            if let v = input.label { token.label = v }
            if let v = input.description { token.description = v }
            if let v = input.resources { token.resources = v }
            if let v = input.isActive { token.isActive = v }
            if persist { s.tokens[id] = token }
            return .updated(token)
        }
        switch outcome {
        case .missing: return Self.error(404, "Not found", "access token \(id) not found")
        case .expired: return Self.error(403, "Forbidden", "access token \(id) has expired; it can only be deleted")
        case .updated(let token): return .json(200, render(token, resources: true, revealSecret: false))
        }
    }

    private func delete(_ id: String) -> MockResponse {
        let removed: Bool = state.withLock { s in
            guard let token = s.tokens.removeValue(forKey: id) else { return false }
            if faults.contains(.deletedStillReadable) { s.deleted[id] = token }
            return true
        }
        return removed ? .empty(204) : Self.error(404, "Not found", "access token \(id) not found")
    }

    // MARK: Rendering

    /// `orgAccessToken`, plus `resources` (single-token responses) and `token` (create).
    private func render(_ t: DockerHubToken, resources: Bool, revealSecret: Bool) -> JSON {
        var o: JSON.Object = [
            "id": .string(t.id),
            "label": .string(t.label),
            "created_by": .string(t.createdBy),
            "is_active": faults.contains(.wrongFieldType) ? .string(t.isActive ? "true" : "false") : .bool(t.isActive),
            "created_at": .string(t.createdAt),
            "expires_at": t.expiresAt.map(JSON.string) ?? .null,
            "last_used_at": t.lastUsedAt.map(JSON.string) ?? .null,
        ]
        if revealSecret { o["token"] = .string(t.secret) }
        if resources { o["resources"] = .array(t.resources) }
        return .object(o)
    }

    private func parse<T>(_ request: MockRequest, _ validate: (JSON, inout FieldProblems) -> T?) -> Result<T, ErrorResponse> {
        switch MockSupport.jsonBody(request) {
        case .failure(let e): return .failure(ErrorResponse(Self.valueError(e.message, [])))
        case .success(let json):
            var problems = FieldProblems()
            guard let value = validate(json, &problems) else {
                return .failure(ErrorResponse(Self.valueError("invalid request", problems.items)))
            }
            return .success(value)
        }
    }

    /// A `number` query parameter that must be a whole number ≥ 1.
    private static func positiveNumber(_ text: String?, default value: Int, field: String, _ problems: inout FieldProblems) -> Int {
        guard let text else { return value }
        guard let d = Double(text), d.isFinite, d >= 1, d.rounded(.towardZero) == d, d < 1e15 else {
            problems.add(field, "Must be a whole number of at least 1, got \"\(text)\".")
            return value
        }
        return Int(d)
    }

    /// A JWT-shaped bearer token; the signature is random (the mock checks issued tokens by lookup).
    static func makeJWT(subject: String, issuedAt: Double, lifetime: Double) -> String {
        let header: JSON = ["alg": "HS256", "typ": "JWT"]
        let iat = issuedAt.rounded(.down)
        let payload: JSON = ["sub": .string(subject), "iss": "conform-mock", "iat": .number(iat),
                             "exp": .number(iat + lifetime), "jti": .string(RandomText.uuid())]
        return RandomText.base64URL(header.bytes) + "." + RandomText.base64URL(payload.bytes) + "."
            + RandomText.base64URL(bytes: 32)
    }

    // MARK: Errors

    /// `Error` (401/403/404 and the rest).
    static func error(_ status: Int, _ detail: String, _ message: String) -> MockResponse {
        .json(status, ["detail": .string(detail), "message": .string(message)])
    }

    /// `ValueError` (400): `text` plus `fields` mapping each field to its messages.
    static func valueError(_ text: String, _ items: [(field: String, message: String)]) -> MockResponse {
        var fields: JSON.Object = [:]
        for (field, message) in items {
            if case .array(var list)? = fields[field] {
                list.append(.string(message))
                fields[field] = .array(list)
            } else {
                fields[field] = [.string(message)]
            }
        }
        let text = items.isEmpty ? text : items.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        return .json(400, ["fields": .object(fields), "text": .string(text)])
    }

    private static func methodNotAllowed(_ request: MockRequest, allowed: [String]) -> MockResponse {
        var response = error(405, "Method not allowed", "\(request.method) is not allowed on \(request.path)")
        response.headers.append(("Allow", allowed.joined(separator: ", ")))
        return response
    }
}
