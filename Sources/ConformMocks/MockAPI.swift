/// The APIs a mock can play.
public enum MockAPI: String, CaseIterable, Sendable {
    /// IONOS Cloud Container Registry tokens.
    case ionos
    /// Docker Hub organization access tokens.
    case dockerhub
    /// XSKY XMS access tokens.
    case xms

    /// A human name for messages.
    public var displayName: String {
        switch self {
        case .ionos: "IONOS Container Registry tokens"
        case .dockerhub: "Docker Hub organization access tokens"
        case .xms: "XMS access tokens"
        }
    }

    /// The faults this mock can switch on, in catalogue order.
    public var faults: [MockFault] {
        switch self {
        case .ionos: IONOSFault.allCases.map { MockFault(api: self, name: $0.rawValue, summary: $0.summary) }
        case .dockerhub: DockerHubFault.allCases.map { MockFault(api: self, name: $0.rawValue, summary: $0.summary) }
        case .xms: XMSFault.allCases.map { MockFault(api: self, name: $0.rawValue, summary: $0.summary) }
        }
    }

    /// The fault with this name, if this API has one.
    public func fault(named name: String) -> MockFault? {
        faults.first { $0.name == name }
    }

    /// The names of the variables a started mock announces, in announcement order.
    public var variableNames: [String] {
        switch self {
        case .ionos: ["registry_id", "username", "password", "token"]
        case .dockerhub: ["org", "token", "identifier", "secret"]
        case .xms: ["token"]
        }
    }
}

/// A named implementation bug a mock can be started with.
public struct MockFault: Sendable, Hashable {
    /// The API whose mock knows this fault.
    public let api: MockAPI
    /// The kebab-case name (`secret-on-get`).
    public let name: String
    /// A one-line description of the changed behaviour.
    public let summary: String

    /// A fault from its parts.
    public init(api: MockAPI, name: String, summary: String) {
        self.api = api
        self.name = name
        self.summary = summary
    }
}

/// Why a mock could not be started.
public enum MockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fault names the API does not know; `valid` lists the ones it does.
    case unknownFaults(api: MockAPI, names: [String], valid: [String])
    /// Fixed variable names the API does not announce.
    case unknownVariables(api: MockAPI, names: [String], valid: [String])
    /// A fixed variable whose value cannot be used.
    case invalidVariable(name: String, reason: String)
    /// The listening socket could not be set up.
    case serverStart(String)

    public var description: String {
        switch self {
        case let .unknownFaults(api, names, valid):
            "unknown fault\(names.count == 1 ? "" : "s") for \(api.rawValue): \(names.joined(separator: ", ")); valid: \(valid.joined(separator: ", "))"
        case let .unknownVariables(api, names, valid):
            "unknown variable\(names.count == 1 ? "" : "s") for \(api.rawValue): \(names.joined(separator: ", ")); valid: \(valid.joined(separator: ", "))"
        case let .invalidVariable(name, reason):
            "invalid value for variable \(name): \(reason)"
        case let .serverStart(reason):
            "cannot start mock server: \(reason)"
        }
    }
}
