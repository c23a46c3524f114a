import ConformJSON
import OrderedCollections
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The IONOS Container Registry tokens API, served at the documented paths
/// (`/registries/{registryId}/tokens[/{tokenId}]`) under the mock's root.
final class IONOSMock: MockService {
    let credentials: IONOSCredentials
    let faults: Set<IONOSFault>
    private let now: MockClock
    private let state = Mutex(State())

    private struct State {
        var tokens: OrderedDictionary<String, IONOSToken> = [:]
        /// Deleted tokens, kept only for the `deleted-still-readable` fault.
        var deleted: [String: IONOSToken] = [:]
        var fallbackBaseURL = ""
    }

    init(credentials: IONOSCredentials, faults: Set<IONOSFault> = [], now: @escaping MockClock = MockSupport.systemClock) {
        self.credentials = credentials
        self.faults = faults
        self.now = now
    }

    /// Random credentials for one start.
    static func randomCredentials() -> IONOSCredentials {
        IONOSCredentials(registryID: RandomText.uuid(),
                         username: "user-\(RandomText.lowerAlphanumeric(8))@example.com",
                         password: RandomText.alphanumeric(24),
                         token: "\(RandomText.base64URL(bytes: 12)).\(RandomText.base64URL(bytes: 48)).\(RandomText.base64URL(bytes: 32))",
                         userID: RandomText.uuid())
    }

    var variables: [(name: String, value: String)] {
        [("registry_id", credentials.registryID), ("username", credentials.username),
         ("password", credentials.password), ("token", credentials.token)]
    }

    var liveTokenNames: [String] { state.withLock { $0.tokens.values.map(\.name) } }

    func setFallbackBaseURL(_ url: String) { state.withLock { $0.fallbackBaseURL = url } }

    // MARK: Routing

    func handle(_ request: MockRequest) -> MockResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 4 || segments.count == 5, segments[0].isEmpty, segments[1] == "registries",
              segments[3] == "tokens", !segments[2].isEmpty, segments.count == 4 || !segments[4].isEmpty else {
            return Self.error(404, "NOT_FOUND", "no route for \(request.method) \(request.path)")
        }
        let registryID = URLText.percentDecoded(segments[2])
        let tokenID = segments.count == 5 ? URLText.percentDecoded(segments[4]) : nil
        let allowed = tokenID == nil ? ["GET", "POST"] : ["GET", "PATCH", "PUT", "DELETE"]
        guard allowed.contains(request.method) else {
            var response = Self.error(405, "METHOD_NOT_ALLOWED", "\(request.method) is not allowed on \(request.path)")
            response.headers.append(("Allow", allowed.joined(separator: ", ")))
            return response
        }
        guard faults.contains(.authIgnored) || authenticated(request) else {
            var response = Self.error(401, "UNAUTHORIZED", "missing or invalid credentials")
            response.headers.append(("WWW-Authenticate", #"Basic realm="conform-mock""#))
            return response
        }
        var problems: [String] = []
        if !MockSupport.isUUID(registryID) { problems.append("registryId must be a UUID") }
        if let tokenID, !MockSupport.isUUID(tokenID) { problems.append("tokenId must be a UUID") }
        guard problems.isEmpty else { return Self.error(400, "VALIDATION", problems) }
        guard registryID.lowercased() == credentials.registryID.lowercased() else {
            return Self.error(404, "NOT_FOUND", "registry \(registryID) not found")
        }
        let base = MockSupport.baseURL(of: request, fallback: state.withLock { $0.fallbackBaseURL })
            + "/registries/\(credentials.registryID)/tokens"
        switch (request.method, tokenID?.lowercased()) {
        case ("GET", nil): return list(request, base: base)
        case ("POST", nil): return create(request, base: base)
        case ("GET", let id?): return get(id, base: base)
        case ("PATCH", let id?): return patch(id, request, base: base)
        case ("PUT", let id?): return put(id, request, base: base)
        case ("DELETE", let id?): return delete(id)
        default: return Self.error(404, "NOT_FOUND", "no route for \(request.method) \(request.path)")
        }
    }

    /// Basic with the account's username/password, or Bearer with the API token.
    private func authenticated(_ request: MockRequest) -> Bool {
        guard let value = request.header("authorization") else { return false }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return false }
        let scheme = parts[0].lowercased()
        let credential = parts[1].drop(while: { $0 == " " })
        if scheme == "bearer" { return credential == credentials.token }
        guard scheme == "basic", let data = Data(base64Encoded: String(credential)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return false }
        return text[..<colon] == credentials.username && text[text.index(after: colon)...] == credentials.password
    }

    // MARK: Operations

    private func list(_ request: MockRequest, base: String) -> MockResponse {
        var problems: [String] = []
        let offsetText = request.queryValue("offset") ?? "0"
        let limitText = request.queryValue("limit") ?? "100"
        let offset = Paging.nonNegativeInteger(offsetText)
        let limit = Paging.nonNegativeInteger(limitText)
        if offset == nil { problems.append("offset must be a non-negative integer, got \"\(offsetText)\"") }
        if limit == nil { problems.append("limit must be a non-negative integer, got \"\(limitText)\"") }
        guard let offset, let limit, problems.isEmpty else { return Self.error(400, "VALIDATION", problems) }

        let reveal = faults.contains(.secretInList)
        let (page, total): ([IONOSToken], Int) = state.withLock { s in
            let w = Paging.window(count: s.tokens.count, offset: offset, limit: limit,
                                  offByOne: faults.contains(.paginationOffByOne),
                                  duplicate: faults.contains(.duplicateAcrossPages))
            return (Array(s.tokens.values[w]), s.tokens.count)
        }
        if faults.contains(.pastEndError), offset > 0, offset >= total {
            return Self.error(400, "VALIDATION", "offset \(offset) is out of range")
        }
        func link(_ o: Int) -> JSON { .string("\(base)?offset=\(o)&limit=\(limit)") }
        let hasPrevious = offset > 0
        // Written without `offset + limit`: both may be as large as Int.max.
        let hasNext = offset < total && limit > 0 && limit < total - offset
        let numeric = !faults.contains(.wrongFieldType)
        let body: JSON = [
            "id": .string("\(credentials.registryID)/tokens"),
            "type": "collection",
            "href": link(offset),
            "items": .array(page.map { render($0, base: base, revealPassword: reveal) }),
            "count": .number(Double(page.count)),
            "offset": numeric ? .number(Double(offset)) : .string(String(offset)),
            "limit": numeric ? .number(Double(limit)) : .string(String(limit)),
            "total": .number(Double(total + (faults.contains(.wrongTotal) ? 1 : 0))),
            // Links are required strings; "" where there is no such page [INFERRED].
            "_links": [
                "self": link(offset),
                "previous": hasPrevious ? link(max(0, offset - limit)) : "",
                "next": hasNext ? link(offset + limit) : "",
            ],
        ]
        return .json(200, body)
    }

    private func create(_ request: MockRequest, base: String) -> MockResponse {
        let input: IONOSTokenInput
        switch parse(request, { v, p in IONOSValidation(lenient: faults.contains(.validationSkipped)).tokenInput(v, problems: &p) }) {
        case .success(let i): input = i
        case .failure(let e): return e.response
        }
        let stamp = RFC3339.format(now())
        let token = IONOSToken(id: RandomText.uuid(), name: input.name, expiryDate: input.expiryDate, scopes: input.scopes,
                               status: input.status ?? "enabled", password: RandomText.alphanumeric(32),
                               createdDate: stamp, lastModifiedDate: nil)
        let inserted: Bool = state.withLock { s in
            guard !s.tokens.values.contains(where: { $0.name == token.name }) else { return false }
            s.tokens[token.id] = token
            return true
        }
        guard inserted else { return Self.error(409, "CONFLICT", "a token named \(token.name) already exists") }
        let status = faults.contains(.wrongSuccessStatus) ? 200 : 201
        let headers = faults.contains(.missingLocation) ? [] : [("Location", "\(base)/\(token.id)")]
        return .json(status, render(token, base: base, revealPassword: true), headers: headers)
    }

    private func get(_ id: String, base: String) -> MockResponse {
        let found: IONOSToken? = state.withLock { s in
            s.tokens[id] ?? (faults.contains(.deletedStillReadable) ? s.deleted[id] : nil)
        }
        guard let token = found else { return Self.error(404, "NOT_FOUND", "token \(id) not found") }
        return .json(200, render(token, base: base, revealPassword: faults.contains(.secretOnGet)))
    }

    private func patch(_ id: String, _ request: MockRequest, base: String) -> MockResponse {
        let input: IONOSPatchInput
        switch parse(request, { v, p in IONOSValidation(lenient: faults.contains(.validationSkipped)).patchInput(v, problems: &p) }) {
        case .success(let i): input = i
        case .failure(let e): return e.response
        }
        let stamp = RFC3339.format(now())
        let persist = !faults.contains(.patchNotPersisted)
        let updated: IONOSToken? = state.withLock { s in
            guard var token = s.tokens[id] else { return nil }
            if let v = input.expiryDate { token.expiryDate = v }
            if let v = input.scopes { token.scopes = v }
            if let v = input.status { token.status = v }
            token.lastModifiedDate = stamp
            if persist { s.tokens[id] = token }
            return token
        }
        guard let token = updated else { return Self.error(404, "NOT_FOUND", "token \(id) not found") }
        return .json(200, render(token, base: base, revealPassword: faults.contains(.secretOnPatch)))
    }

    /// Create-or-replace. Create: 201, Location, the password once. Replace: 200
    /// [INFERRED], no password, the name kept, the credentials unchanged.
    private func put(_ id: String, _ request: MockRequest, base: String) -> MockResponse {
        let input: IONOSTokenInput
        switch parse(request, { v, p in IONOSValidation(lenient: faults.contains(.validationSkipped)).tokenInput(v, problems: &p) }) {
        case .success(let i): input = i
        case .failure(let e): return e.response
        }
        let stamp = RFC3339.format(now())
        let renames = faults.contains(.putReplaceRenames)
        enum Outcome { case created(IONOSToken), replaced(IONOSToken), conflict }
        let outcome: Outcome = state.withLock { s in
            if var token = s.tokens[id] {
                let name = renames ? input.name : token.name
                if s.tokens.values.contains(where: { $0.name == name && $0.id != id }) { return .conflict }
                token.name = name
                token.expiryDate = input.expiryDate
                token.scopes = input.scopes
                token.status = input.status ?? "enabled"
                token.lastModifiedDate = stamp
                s.tokens[id] = token
                return .replaced(token)
            }
            if s.tokens.values.contains(where: { $0.name == input.name }) { return .conflict }
            let token = IONOSToken(id: id, name: input.name, expiryDate: input.expiryDate, scopes: input.scopes,
                                   status: input.status ?? "enabled", password: RandomText.alphanumeric(32),
                                   createdDate: stamp, lastModifiedDate: nil)
            s.deleted[id] = nil
            s.tokens[id] = token
            return .created(token)
        }
        switch outcome {
        case .conflict:
            return Self.error(409, "CONFLICT", "a token named \(input.name) already exists")
        case .created(let token):
            return .json(201, render(token, base: base, revealPassword: true), headers: [("Location", "\(base)/\(id)")])
        case .replaced(let token):
            return .json(200, render(token, base: base, revealPassword: faults.contains(.putReplaceReturnsPassword)))
        }
    }

    private func delete(_ id: String) -> MockResponse {
        let removed: Bool = state.withLock { s in
            guard let token = s.tokens.removeValue(forKey: id) else { return false }
            if faults.contains(.deletedStillReadable) { s.deleted[id] = token }
            return true
        }
        return removed ? .empty(204) : Self.error(404, "NOT_FOUND", "token \(id) not found")
    }

    // MARK: Rendering

    /// `TokenResponse`; the password is "" unless revealed [INFERRED: credentials stays required].
    private func render(_ t: IONOSToken, base: String, revealPassword: Bool) -> JSON {
        var metadata: JSON.Object = [
            "createdBy": .string(credentials.username),
            "createdByUserId": .string(credentials.userID),
            "createdDate": .string(t.createdDate),
        ]
        if let modified = t.lastModifiedDate {
            metadata["lastModifiedBy"] = .string(credentials.username)
            metadata["lastModifiedByUserId"] = .string(credentials.userID)
            metadata["lastModifiedDate"] = .string(modified)
        }
        metadata["state"] = .string(t.status)
        return [
            "id": .string(t.id),
            "type": "token",
            "href": .string("\(base)/\(t.id)"),
            "metadata": .object(metadata),
            "properties": [
                "credentials": ["username": .string(t.name), "password": .string(revealPassword ? t.password : "")],
                "name": .string(t.name),
                "expiryDate": t.expiryDate,
                "scopes": t.scopes,
                "status": .string(t.status),
            ],
        ]
    }

    private func parse<T>(_ request: MockRequest, _ validate: (JSON, inout [String]) -> T?) -> Result<T, ErrorResponse> {
        switch MockSupport.jsonBody(request) {
        case .failure(let e): return .failure(ErrorResponse(Self.error(400, "VALIDATION", e.message)))
        case .success(let json):
            var problems: [String] = []
            guard let value = validate(json, &problems) else {
                return .failure(ErrorResponse(Self.error(400, "VALIDATION", problems)))
            }
            return .success(value)
        }
    }

    /// `ApiErrorResponse`.
    static func error(_ status: Int, _ code: String, _ message: String) -> MockResponse {
        error(status, code, [message])
    }

    static func error(_ status: Int, _ code: String, _ messages: [String]) -> MockResponse {
        .json(status, [
            "httpStatus": .number(Double(status)),
            "messages": .array(messages.map { ["errorCode": .string(code), "message": .string($0)] }),
        ])
    }
}

/// A response carried through `Result` failures.
struct ErrorResponse: Error {
    let response: MockResponse
    init(_ response: MockResponse) { self.response = response }
}
