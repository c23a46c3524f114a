import NIOCore

/// How to start a mock.
public struct MockConfiguration: Sendable {
    /// Which API to play.
    public var api: MockAPI
    /// The listening host (`127.0.0.1`, `::1`, ...).
    public var host: String
    /// The listening port; 0 picks a free one.
    public var port: Int
    /// Names of the faults to switch on (see `MockAPI.faults`).
    public var faults: Set<String>
    /// Fixed values for announced variables (tests); the rest are random per start.
    public var fixedVariables: [String: String]
    /// The largest request body accepted (413 beyond).
    public var maxBodyBytes: Int
    /// Event loop threads serving connections.
    public var threads: Int
    /// Docker Hub only: tokens an organization may hold (Business plan: 100); `nil` for no limit.
    public var dockerhubTokenLimit: Int?

    /// A configuration; everything but the API has a default.
    public init(api: MockAPI, host: String = "127.0.0.1", port: Int = 0, faults: Set<String> = [],
                fixedVariables: [String: String] = [:], maxBodyBytes: Int = 1 << 20,
                threads: Int = System.coreCount, dockerhubTokenLimit: Int? = 100) {
        self.api = api
        self.host = host
        self.port = port
        self.faults = faults
        self.fixedVariables = fixedVariables
        self.maxBodyBytes = maxBodyBytes
        self.threads = threads
        self.dockerhubTokenLimit = dockerhubTokenLimit
    }
}
