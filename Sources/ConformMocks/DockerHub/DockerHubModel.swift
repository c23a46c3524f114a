import ConformJSON

/// The credentials a Docker Hub mock accepts and announces.
struct DockerHubCredentials: Sendable {
    /// The organization namespace.
    var org: String
    /// The owner's username for the JWT exchange.
    var identifier: String
    /// The owner's personal access token for the JWT exchange.
    var secret: String
    /// A JWT issued at start for the owner, valid as long as the mock runs.
    var jwt: String
}

/// One stored organization access token.
struct DockerHubToken: Sendable {
    var id: String
    var label: String
    var description: String?
    var resources: [JSON]
    var isActive: Bool
    var createdAt: String
    var createdBy: String
    var expiresAt: String?
    var expiresAtSeconds: Double?
    var lastUsedAt: String?
    var secret: String

    func isExpired(at now: Double) -> Bool { expiresAtSeconds.map { $0 <= now } ?? false }
}

/// Who a JWT speaks for.
enum DockerHubPrincipal: Sendable, Equatable {
    /// The organization owner (password/PAT exchange).
    case owner
    /// An organization access token (OAT exchange); may not manage OATs [INFERRED].
    case oat(String)
}

/// A JWT issued by the exchange.
struct DockerHubGrant: Sendable {
    var principal: DockerHubPrincipal
    var expires: Double
}

/// Field problems of a request body, as `ValueError.fields` (field → messages).
struct FieldProblems {
    private(set) var items: [(field: String, message: String)] = []
    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    mutating func add(_ field: String, _ message: String) { items.append((field, message)) }
}
