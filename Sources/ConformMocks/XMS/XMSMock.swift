import ConformJSON
import OrderedCollections
import Synchronization

/// XMS access tokens, served at the documented operation paths (`/access-tokens/`,
/// `/access-tokens/{id}`, `/access-tokens/{id}:regenerate`, `/access-tokens:validate`)
/// under the mock's root, which plays the role of the documented `/v1` base.
final class XMSMock: MockService {
    let credentials: XMSCredentials
    let faults: Set<XMSFault>
    private let now: MockClock
    private let state = Mutex(State())

    private struct State {
        var tokens: OrderedDictionary<Int64, XMSToken> = [:]
        /// uuid → id of live tokens.
        var secrets: [String: Int64] = [:]
        /// Replaced uuids that still work (fault `regenerate-keeps-old-secret`).
        var retired: [String: Int64] = [:]
        var deleted: [Int64: XMSToken] = [:]
        var nextID: Int64 = 1
    }

    init(credentials: XMSCredentials, faults: Set<XMSFault> = [], now: @escaping MockClock = MockSupport.systemClock) {
        self.credentials = credentials
        self.faults = faults
        self.now = now
    }

    /// Random credentials for one start.
    static func randomCredentials() -> XMSCredentials {
        XMSCredentials(token: RandomText.hex(32))
    }

    var variables: [(name: String, value: String)] { [("token", credentials.token)] }

    var liveTokenNames: [String] { state.withLock { $0.tokens.values.map(\.name) } }

    // Links are not part of the XMS envelopes; nothing needs the base URL.
    func setFallbackBaseURL(_ url: String) {}

    // MARK: Routing

    func handle(_ request: MockRequest) -> MockResponse {
        let path = request.path
        if path == "/access-tokens/" {
            return route(request, allowed: ["GET", "POST"]) { request.method == "GET" ? list(request) : create(request) }
        }
        if path == "/access-tokens:validate" {
            return route(request, allowed: ["POST"]) { validate(request) }
        }
        let prefix = "/access-tokens/"
        if path.hasPrefix(prefix) {
            let segment = path.dropFirst(prefix.count)
            if !segment.isEmpty, !segment.contains("/") {
                let suffix = ":regenerate"
                if segment.hasSuffix(suffix) {
                    let idText = URLText.percentDecoded(segment.dropLast(suffix.count))
                    return route(request, allowed: ["POST"]) {
                        guard let id = Self.int64(idText) else { return Self.badID(idText) }
                        return regenerate(id)
                    }
                }
                let key = URLText.percentDecoded(segment)
                return route(request, allowed: ["GET", "PATCH", "DELETE"]) {
                    guard let id = Self.int64(key) else {
                        // Non-integer segment: GetAccessTokenByUUID (XSCALEROS 6.4) [INFERRED routing].
                        return request.method == "GET" ? getByUUID(key) : Self.badID(key)
                    }
                    switch request.method {
                    case "GET": return get(id)
                    case "PATCH": return update(id, request)
                    default: return delete(id)
                    }
                }
            }
        }
        let hint = path == "/access-tokens" ? " (the collection path is /access-tokens/ with a trailing slash)" : ""
        return Self.error(404, "NotFound", "no route for \(request.method) \(path)\(hint)")
    }

    /// Method check, then authentication, then the operation.
    private func route(_ request: MockRequest, allowed: [String], _ operation: () -> MockResponse) -> MockResponse {
        guard allowed.contains(request.method) else {
            var response = Self.error(405, "MethodNotAllowed", "\(request.method) is not allowed on \(request.path)")
            response.headers.append(("Allow", allowed.joined(separator: ", ")))
            return response
        }
        guard faults.contains(.authIgnored) || authenticate(request) else {
            return Self.error(401, "Unauthorized", "missing or invalid token (Xms-Auth-Token header or token query parameter)")
        }
        return operation()
    }

    /// The session token, or the uuid of a live access token [INFERRED], in the
    /// `Xms-Auth-Token` header or the `token` query parameter.
    private func authenticate(_ request: MockRequest) -> Bool {
        let candidates = [request.header("xms-auth-token"), request.queryValue("token")].compactMap { $0 }
        if candidates.contains(credentials.token) { return true }
        return state.withLock { s in
            for candidate in candidates {
                guard let id = s.secrets[candidate] ?? s.retired[candidate], s.tokens[id] != nil else { continue }
                s.tokens[id]?.used = true
                return true
            }
            return false
        }
    }

    // MARK: Operations

    private func list(_ request: MockRequest) -> MockResponse {
        var problems: [String] = []
        func integer(_ name: String) -> Int64? {
            guard let text = request.queryValue(name) else { return nil }
            guard let v = Self.int64(text), v >= 0 else {
                problems.append("\(name) must be a non-negative integer, got \"\(text)\"")
                return nil
            }
            return v
        }
        let limit = integer("limit"), offset = integer("offset"), userID = integer("user_id")
        let role = request.queryValue("role")
        var all = false
        if let text = request.queryValue("all") {
            switch text {
            case "1", "t", "T", "true", "TRUE", "True": all = true
            case "0", "f", "F", "false", "FALSE", "False": all = false
            default: problems.append("all must be a boolean, got \"\(text)\"")
            }
        }
        guard problems.isEmpty else { return Self.error(400, "BadRequest", problems.joined(separator: "; ")) }
        let start = Int(clamping: offset ?? 0)
        let caller = credentials.userID
        let (page, count): ([XMSToken], Int) = state.withLock { s in
            let visible = s.tokens.values.filter { t in
                (all || t.userID == caller) && (userID.map { t.userID == $0 } ?? true)
                    && (role.map { t.roles.contains($0) } ?? true)
            }
            let w = Paging.window(count: visible.count, offset: start, limit: limit.map { Int(clamping: $0) },
                                  offByOne: faults.contains(.paginationOffByOne),
                                  duplicate: faults.contains(.duplicateAcrossPages))
            return (Array(visible[w]), visible.count)
        }
        if faults.contains(.pastEndError), start > 0, start >= count {
            return Self.error(400, "BadRequest", "offset \(start) is out of range")
        }
        let items = JSON.array(page.map { render($0, revealSecret: faults.contains(.secretInList)) })
        return .json(200, faults.contains(.listNotWrapped) ? items : ["access_tokens": items])
    }

    private func create(_ request: MockRequest) -> MockResponse {
        let fields: JSON.Object
        switch wrapped(request) {
        case .success(let o): fields = o
        case .failure(let e): return e.response
        }
        var problems: [String] = []
        let name = requiredName(fields, &problems)
        var roles: [String] = []
        switch fields["roles"] {
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
            roles = items.compactMap(\.stringValue)
        case nil:
            if !faults.contains(.validationSkipped) { problems.append("access_token.roles is required") }
        case let other?:
            if faults.contains(.validationSkipped) {
                roles = other.arrayValue?.compactMap(\.stringValue) ?? []
            } else {
                problems.append("access_token.roles must be an array of strings")
            }
        }
        var description: String?
        switch fields["description"] {
        case nil: break
        case .string(let d)?: description = d
        case let other?: problems.append("access_token.description must be a string, not \(other.typeName)")
        }
        guard problems.isEmpty, let name else { return Self.error(400, "BadRequest", problems.joined(separator: "; ")) }
        let stamp = RFC3339.format(now())
        let created: XMSToken? = state.withLock { s in
            guard !s.tokens.values.contains(where: { $0.name == name }) else { return nil }
            let token = XMSToken(id: s.nextID, name: name, description: description, roles: roles, create: stamp,
                                 update: stamp, used: false, userID: credentials.userID, userName: credentials.userName,
                                 uuid: RandomText.uuid())
            s.nextID += 1
            s.tokens[token.id] = token
            s.secrets[token.uuid] = token.id
            return token
        }
        guard let token = created else { return Self.error(409, "Conflict", "an access token named \(name) already exists") }
        let status = faults.contains(.wrongSuccessStatus) ? 202 : 201
        return .json(status, ["access_token": render(token, revealSecret: true)])
    }

    private func get(_ id: Int64) -> MockResponse {
        let found: XMSToken? = state.withLock { s in
            s.tokens[id] ?? (faults.contains(.deletedStillReadable) ? s.deleted[id] : nil)
        }
        guard let token = found else { return Self.notFound(id) }
        return .json(200, ["access_token": render(token, revealSecret: faults.contains(.secretOnGet))])
    }

    private func getByUUID(_ uuid: String) -> MockResponse {
        let found: XMSToken? = state.withLock { s in s.secrets[uuid].flatMap { s.tokens[$0] } }
        guard let token = found else { return Self.error(404, "NotFound", "access token not found") }
        return .json(200, ["access_token": render(token, revealSecret: false)])
    }

    private func update(_ id: Int64, _ request: MockRequest) -> MockResponse {
        let fields: JSON.Object
        switch wrapped(request) {
        case .success(let o): fields = o
        case .failure(let e): return e.response
        }
        var problems: [String] = []
        guard let name = requiredName(fields, &problems) else {
            return Self.error(400, "BadRequest", problems.joined(separator: "; "))
        }
        let stamp = RFC3339.format(now())
        let persist = !faults.contains(.patchNotPersisted)
        enum Outcome { case updated(XMSToken), missing, duplicate }
        let outcome: Outcome = state.withLock { s in
            guard var token = s.tokens[id] else { return .missing }
            if s.tokens.values.contains(where: { $0.name == name && $0.id != id }) { return .duplicate }
            token.name = name
            token.update = stamp
            if persist { s.tokens[id] = token }
            return .updated(token)
        }
        switch outcome {
        case .missing: return Self.notFound(id)
        // Update documents 400, not 409; a duplicate name is reported as 400 [INFERRED].
        case .duplicate: return Self.error(400, "BadRequest", "an access token named \(name) already exists")
        case .updated(let token): return .json(200, ["access_token": render(token, revealSecret: false)])
        }
    }

    private func delete(_ id: Int64) -> MockResponse {
        let removed: Bool = state.withLock { s in
            guard let token = s.tokens.removeValue(forKey: id) else { return false }
            s.secrets[token.uuid] = nil
            s.retired = s.retired.filter { $0.value != id }
            if faults.contains(.deletedStillReadable) { s.deleted[id] = token }
            return true
        }
        return removed ? .empty(204) : Self.notFound(id)
    }

    /// A new uuid for the same token; the old one stops working [INFERRED].
    private func regenerate(_ id: Int64) -> MockResponse {
        let stamp = RFC3339.format(now())
        let keepOld = faults.contains(.regenerateKeepsOldSecret)
        let sameSecret = faults.contains(.regenerateSameSecret)
        let regenerated: XMSToken? = state.withLock { s in
            guard var token = s.tokens[id] else { return nil }
            if !sameSecret {
                s.secrets[token.uuid] = nil
                if keepOld { s.retired[token.uuid] = id }
                token.uuid = RandomText.uuid()
                s.secrets[token.uuid] = id
            }
            token.update = stamp
            s.tokens[id] = token
            return token
        }
        guard let token = regenerated else { return Self.notFound(id) }
        return .json(200, ["access_token": render(token, revealSecret: true)])
    }

    /// `POST /access-tokens:validate?subject_access_token=<uuid>`; an unknown uuid is 400 [INFERRED].
    private func validate(_ request: MockRequest) -> MockResponse {
        guard let subject = request.queryValue("subject_access_token"), !subject.isEmpty else {
            return Self.error(400, "BadRequest", "subject_access_token is required")
        }
        let found: XMSToken? = state.withLock { s in
            (s.secrets[subject] ?? s.retired[subject]).flatMap { s.tokens[$0] }
        }
        guard let token = found else { return Self.error(400, "BadRequest", "access token is not valid") }
        return .json(200, ["access_token": render(token, revealSecret: false)])
    }

    // MARK: Helpers

    /// `{"access_token": {...}}` → the inner object [INFERRED: required in practice].
    private func wrapped(_ request: MockRequest) -> Result<JSON.Object, ErrorResponse> {
        switch MockSupport.jsonBody(request) {
        case .failure(let e): return .failure(ErrorResponse(Self.error(400, "BadRequest", e.message)))
        case .success(let json):
            guard case .object(let root) = json else {
                return .failure(ErrorResponse(Self.error(400, "BadRequest", "request body must be a JSON object")))
            }
            guard case .object(let inner)? = root["access_token"] else {
                return .failure(ErrorResponse(Self.error(400, "BadRequest", "access_token object is required")))
            }
            return .success(inner)
        }
    }

    private func requiredName(_ fields: JSON.Object, _ problems: inout [String]) -> String? {
        switch fields["name"] {
        case .string(let n)?: return n
        case nil: problems.append("access_token.name is required")
        case let other?: problems.append("access_token.name must be a string, not \(other.typeName)")
        }
        return nil
    }

    /// `AccessToken`, plus `uuid` (`AccessTokenCreateRecord`) when revealed.
    private func render(_ t: XMSToken, revealSecret: Bool) -> JSON {
        var o: JSON.Object = [
            "id": faults.contains(.wrongFieldType) ? .string(String(t.id)) : .number(Double(t.id)),
            "name": .string(t.name),
            "description": .string(t.description ?? ""),
            "roles": .array(t.roles.map(JSON.string)),
            "create": .string(t.create),
            "update": .string(t.update),
            "used": .bool(t.used),
            "user": ["id": .number(Double(t.userID)), "name": .string(t.userName)],
        ]
        if revealSecret { o["uuid"] = .string(t.uuid) }
        return .object(o)
    }

    /// An int64 path or query value (optional `-`, digits).
    static func int64(_ text: String) -> Int64? {
        guard let first = text.utf8.first, first != UInt8(ascii: "+") else { return nil }
        return Int64(text)
    }

    private static func badID(_ text: String) -> MockResponse {
        error(400, "BadRequest", "access_token_id must be an integer, got \"\(text)\"")
    }

    private static func notFound(_ id: Int64) -> MockResponse {
        error(404, "NotFound", "access token \(id) not found")
    }

    /// The error body: the spec documents none; `{"code": <the spec's description>, "message": ...}` [INFERRED].
    static func error(_ status: Int, _ code: String, _ message: String) -> MockResponse {
        .json(status, ["code": .string(code), "message": .string(message)])
    }
}
