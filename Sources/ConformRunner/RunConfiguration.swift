import ConformJSON

/// How a run talks to the implementation under test.
public struct RunConfiguration: Sendable {
    /// Prefix of every step's `path` (no trailing slash needed).
    public var baseURL: String?
    /// Values for the scenarios' `requires` (from `--var`, `--vars-file`, a mock).
    public var variables: [String: JSON]
    /// Names among `variables` whose values are secrets.
    public var secretVariables: Set<String>
    public var environment: [String: String]
    /// Scenarios run at once.
    public var jobs: Int
    /// How many times each scenario runs (`--repeat`); scenarios that export run once.
    public var repeats = 1
    /// Whole-request timeout, seconds.
    public var timeout: Double
    public var connectTimeout: Double
    /// Retries of a request answered 429 or 503.
    public var retries: Int
    /// Longest `Retry-After` honoured, seconds; a longer one ends the retries.
    public var retryMaxWait: Double
    public var insecure: Bool
    public var caCertPath: String?
    /// Bodies larger than this are refused (the transfer is aborted).
    public var maxBodyBytes: Int
    /// Longest a redirect chain may be when a step follows redirects.
    public var maxRedirects: Int
    /// Time the cleanup phase of an interrupted run may take, seconds.
    public var cleanupDeadline: Double
    /// Keep request/response bodies of passing steps in results (memory grows with the run).
    public var keepPassingTranscripts: Bool
    /// One id per run, `{{run.id}}`; makes names unique on shared live accounts.
    public var runID: String
    /// Where the cleanup ledger is written (`nil` = not written).
    public var ledgerPath: String?
    /// Per-API targets (`--mock` starts one server per API): a scenario whose `api` is listed
    /// here uses that base URL, with those variables laid over `variables`.
    public var targets: [String: Target] = [:]

    public struct Target: Sendable {
        public var baseURL: String
        public var variables: [String: JSON]
        public var secretVariables: Set<String>
        public init(baseURL: String, variables: [String: JSON], secretVariables: Set<String>) {
            self.baseURL = baseURL
            self.variables = variables
            self.secretVariables = secretVariables
        }
    }

    public init(baseURL: String? = nil, variables: [String: JSON] = [:], secretVariables: Set<String> = [],
                environment: [String: String] = [:], jobs: Int = 4, timeout: Double = 30, connectTimeout: Double = 10,
                retries: Int = 2, retryMaxWait: Double = 30, insecure: Bool = false, caCertPath: String? = nil,
                maxBodyBytes: Int = 16 << 20, maxRedirects: Int = 10, cleanupDeadline: Double = 30,
                keepPassingTranscripts: Bool = false, runID: String = RunConfiguration.newRunID(), ledgerPath: String? = nil) {
        self.baseURL = baseURL
        self.variables = variables
        self.secretVariables = secretVariables
        self.environment = environment
        self.jobs = jobs
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.retries = retries
        self.retryMaxWait = retryMaxWait
        self.insecure = insecure
        self.caCertPath = caCertPath
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.cleanupDeadline = cleanupDeadline
        self.keepPassingTranscripts = keepPassingTranscripts
        self.runID = runID
        self.ledgerPath = ledgerPath
    }

    /// Eight lowercase base-36 characters: short enough for names with length limits.
    public static func newRunID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }
}
