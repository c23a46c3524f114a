import Foundation

/// Everything a run produced: what reporters (console, JUnit, JSON) read.
///
/// Texts in results are raw: reporters mask them with `secrets` when they write,
/// because a secret may be learned after the text that contains it was recorded.
public struct RunResult: Sendable {
    public var runID: String
    public var startedAt: Date
    /// Wall time of the whole run, in seconds.
    public var duration: Double
    /// Run settings shown in reports (`base_url`, `conform.version`, `run.id`, filters…). Never secrets.
    public var properties: [(name: String, value: String)]
    public var scenarios: [ScenarioResult]
    /// True when the run was cut short (Ctrl-C, SIGTERM, deadline): results hold what completed.
    public var interrupted: Bool
    /// Every secret known at the end of the run: credentials, secret captures, one-time secrets.
    public var secrets: [KnownSecret]

    public init(runID: String, startedAt: Date, duration: Double, properties: [(name: String, value: String)],
                scenarios: [ScenarioResult], interrupted: Bool, secrets: [KnownSecret]) {
        self.runID = runID
        self.startedAt = startedAt
        self.duration = duration
        self.properties = properties
        self.scenarios = scenarios
        self.interrupted = interrupted
        self.secrets = secrets
    }

    public var counts: OutcomeCounts { scenarios.reduce(into: OutcomeCounts()) { $0.add($1.counts) } }
}

/// A value that must never appear in output, with the name it is shown as.
public struct KnownSecret: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}

public struct ScenarioResult: Sendable {
    /// Path of the scenario file as the user named it (relative paths stay relative).
    public var file: String
    public var name: String
    public var tags: [String]
    public var startedAt: Date
    public var duration: Double
    /// Main steps, then cleanup steps, in the order they are declared.
    public var steps: [StepResult]

    public init(file: String, name: String, tags: [String], startedAt: Date, duration: Double, steps: [StepResult]) {
        self.file = file
        self.name = name
        self.tags = tags
        self.startedAt = startedAt
        self.duration = duration
        self.steps = steps
    }

    public var counts: OutcomeCounts { steps.reduce(into: OutcomeCounts()) { $0.add($1.outcome) } }

    /// The scenario's verdict: errored beats failed beats passed; all skipped = skipped.
    public var verdict: Verdict {
        let c = counts
        if c.errors > 0 { return .error }
        if c.failed > 0 { return .failed }
        if c.passed == 0 && c.skipped > 0 { return .skipped }
        return .passed
    }
}

public enum Verdict: String, Sendable { case passed, failed, error, skipped }

public enum StepPhase: String, Sendable { case main, cleanup, setup }

public struct StepResult: Sendable {
    /// 1-based position among the scenario's steps (cleanup steps continue the numbering).
    public var index: Int
    public var name: String
    public var phase: StepPhase
    /// Line of the step in the scenario file.
    public var line: Int
    public var duration: Double
    public var outcome: StepOutcome
    /// Requests and responses of this step, in order (a walker or a retry makes several).
    public var exchanges: [Exchange]

    public init(index: Int, name: String, phase: StepPhase, line: Int, duration: Double, outcome: StepOutcome, exchanges: [Exchange]) {
        self.index = index
        self.name = name
        self.phase = phase
        self.line = line
        self.duration = duration
        self.outcome = outcome
        self.exchanges = exchanges
    }
}

public enum StepOutcome: Sendable {
    case passed
    /// The implementation did not conform: one entry per failed expectation.
    case failed([CheckFailure])
    /// The harness could not do the step (transport error, timeout, bad scenario at run time).
    case error(StepError)
    case skipped(reason: String)
}

/// One expectation that did not hold.
public struct CheckFailure: Error, Sendable, Hashable {
    /// Which kind of check: `status`, `header`, `body`, `schema`, `secret`, `pagination`, `lifecycle`, `capture`.
    public var kind: String
    /// One line a person can act on.
    public var message: String
    public var expected: String?
    public var actual: String?
    /// Line in the scenario file of the expectation, when known.
    public var line: Int?

    public init(kind: String, message: String, expected: String? = nil, actual: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.expected = expected
        self.actual = actual
        self.line = line
    }
}

/// Why the harness could not perform a step.
public struct StepError: Sendable, Hashable {
    /// `timeout`, `connection`, `tls`, `protocol`, `scenario`, `interrupted`, `internal`.
    public var kind: String
    public var message: String
    public init(kind: String, message: String) { self.kind = kind; self.message = message }
}

/// One HTTP request and its response (or the transport error instead of one), as sent and received.
public struct Exchange: Sendable {
    public var method: String
    public var url: String
    public var requestHeaders: [(name: String, value: String)]
    public var requestBody: [UInt8]
    public var status: Int?
    public var responseHeaders: [(name: String, value: String)]
    public var responseBody: [UInt8]
    public var duration: Double
    public var error: String?

    public init(method: String, url: String, requestHeaders: [(name: String, value: String)], requestBody: [UInt8],
                status: Int?, responseHeaders: [(name: String, value: String)], responseBody: [UInt8],
                duration: Double, error: String?) {
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.status = status
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.duration = duration
        self.error = error
    }
}

/// Step counts, as the closing line `N passed, N failed, N skipped` and reports show them.
public struct OutcomeCounts: Sendable, Hashable {
    public var passed = 0
    public var failed = 0
    public var errors = 0
    public var skipped = 0
    public init() {}

    public var total: Int { passed + failed + errors + skipped }

    public mutating func add(_ outcome: StepOutcome) {
        switch outcome {
        case .passed: passed += 1
        case .failed: failed += 1
        case .error: errors += 1
        case .skipped: skipped += 1
        }
    }

    public mutating func add(_ other: OutcomeCounts) {
        passed += other.passed
        failed += other.failed
        errors += other.errors
        skipped += other.skipped
    }
}
