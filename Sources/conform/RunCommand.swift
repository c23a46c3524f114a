import ArgumentParser
import ConformHTTP
import ConformJSON
import ConformMocks
import ConformReports
import ConformRunner
import ConformScenario
import ConformSchema
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios against an implementation (live, or the built-in mocks with --mock).",
        discussion: """
            With no paths and no --base-url, runs every suite in ./scenarios against the built-in mocks.
            Exit codes: 0 all passed · 1 nonconformance found · 2 usage or scenario error · \
            3 the harness could not do its job · 130 interrupted.
            """
    )

    @Argument(help: "Scenario files, or folders searched for *.conform.json (default: scenarios).")
    var paths: [String] = []

    @Option(name: .long, help: "Base URL that step paths are appended to.")
    var baseURL: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable, name=value; a value env:NAME is read from the environment and treated as a secret.", valueName: "name=value"))
    var variables: [String] = []

    @Option(name: .long, help: "A JSON file of variables (string values may be env:NAME).")
    var varsFile: String?

    @Option(name: .long, help: "Only scenarios with this tag (repeatable: any of them).")
    var tag: [String] = []

    @Option(name: .long, help: "Leave out scenarios with this tag (repeatable).")
    var excludeTag: [String] = []

    @Option(name: .long, help: ArgumentHelp("Run only part K of N of the scenarios (for CI machines in parallel; merge their reports with `conform merge`).", valueName: "K/N"))
    var shard: String?

    @Option(name: .shortAndLong, help: "Scenarios run at once.")
    var jobs: Int = 4

    /// Scenario executions one run may hold (a 10,000-scenario run keeps about 130 MB of results).
    static let maxExecutions = 100_000

    @Option(name: .long, help: ArgumentHelp("Run each scenario N times, as copies named '(repeat K of N)', each with its own {{run.id}} (soak and flakiness runs; scenarios that export run once).", valueName: "N"))
    var `repeat`: Int = 1

    @Option(name: .long, help: "Whole-request timeout in seconds.")
    var timeout: Double = 30

    @Option(name: .long, help: "Connect timeout in seconds.")
    var connectTimeout: Double = 10

    @Option(name: .long, help: "Retries of a request answered 429 or 503 (honouring Retry-After).")
    var retries: Int = 2

    @Flag(name: .long, help: "Do not verify TLS certificates.")
    var insecure = false

    @Option(name: .long, help: "CA certificate bundle (PEM) to verify TLS with.")
    var cacert: String?

    @Option(name: .long, help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(name: .long, help: "Write a JSON report to this file.")
    var json: String?

    @Flag(name: .long, help: "Leave the file and line attributes out of JUnit (for the Jenkins xUnit plugin).")
    var junitNoFileLine = false

    @Flag(name: .long, help: "Start the built-in mock of each scenario's API and target it.")
    var mock = false

    @Option(name: .long, help: "With --mock: switch on an implementation bug in the mocks, NAME or API:NAME (repeatable; see `conform mock --list-faults`).")
    var fault: [String] = []

    @Option(name: .long, help: "Cleanup ledger: what the run creates is recorded here until deleted, for `conform sweep` (default .conform/ledger.jsonl; none with --mock).")
    var ledger: String?

    @Flag(name: .shortAndLong, help: "Print every request and response (secrets masked).")
    var verbose = false

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set or output is not a terminal).")
    var noColor = false

    mutating func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var paths = self.paths
        var useMocks = mock
        if paths.isEmpty {
            paths = ["scenarios"]
            if baseURL == nil && !mock {
                useMocks = true
                printError("conform: no paths and no --base-url: running ./scenarios against the built-in mocks")
            }
        }
        if !fault.isEmpty && !useMocks { throw usage("--fault needs --mock") }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw usage("--base-url must start with http:// or https://")
        }
        guard jobs >= 1, jobs <= 1024 else { throw usage("--jobs must be between 1 and 1024") }
        guard `repeat` >= 1, `repeat` <= 1_000_000 else { throw usage("--repeat must be between 1 and 1000000") }
        guard timeout > 0, connectTimeout > 0 else { throw usage("timeouts must be positive") }
        let shard: Shard?
        do { shard = try self.shard.map { (text: String) throws(ShardError) in try Shard(parsing: text) } } catch {
            throw usage("--shard: \(error)")
        }

        // 1. Load everything before anything is sent.
        let schemas = SchemaStore()
        let (loaded, errors) = ScenarioSet.load(paths, schemas: schemas)
        if !errors.isEmpty {
            for e in errors { printError(e.description) }
            throw ExitCode.usage
        }
        for s in loaded { for w in s.warnings { printError(w.description) } }
        let cli: CommandLineVariables
        do { cli = try CommandLineVariables.parse(vars: variables, file: varsFile, environment: environment) } catch {
            printError(error.description)
            throw ExitCode.usage
        }
        // The shard is cut before the tag filter, so scenarios excluded by tag are reported by one shard only.
        let directory = FileManager.default.currentDirectoryPath
        let inShard = shard.map { $0.select(loaded) { Shard.id(ofPath: $0.file, relativeTo: directory) } } ?? loaded
        let selected = inShard.filter { s in
            (tag.isEmpty || !Set(tag).isDisjoint(with: s.tags)) && Set(excludeTag).isDisjoint(with: s.tags)
        }
        let selectedFiles = Set(selected.map(\.file))
        let excluded = inShard.filter { !selectedFiles.contains($0.file) }
        // Every execution's results are kept to the end of the run: bound how many there are.
        if selected.count * `repeat` > RunCommand.maxExecutions {
            throw usage("--repeat \(`repeat`) of \(selected.count) scenarios makes \(selected.count * `repeat`) runs; at most \(RunCommand.maxExecutions)")
        }

        // 2. Start the mocks the selected scenarios need.
        var mocks: [RunningMock] = []
        var targets: [String: RunConfiguration.Target] = [:]
        if useMocks {
            let apis = Set(selected.compactMap(\.api))
            let faults: [MockAPI: Set<String>]
            do { faults = try MockFaultSelection.resolve(fault, apis: apis) } catch { throw usage(error.message) }
            for apiName in apis.sorted() {
                guard let api = MockAPI(rawValue: apiName) else {
                    throw usage("no built-in mock for API '\(apiName)' (available: \(MockAPI.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let running = try await MockServers.start(MockConfiguration(api: api, faults: faults[api] ?? []))
                mocks.append(running)
                targets[apiName] = RunConfiguration.Target(
                    baseURL: running.baseURL, variables: running.variables.mapValues(JSON.string),
                    secretVariables: Set(running.variables.keys).intersection(Self.credentialVariables))
            }
        }

        // 3. Every scenario must have its variables before anything is sent. One may also come from
        //    a scenario of the same suite that exports it (a login yielding the token); that scenario
        //    then runs first, as a helper left out of the reports, even where a tag filter or the
        //    shard left it out.
        func provided(_ s: Scenario) -> Set<String> {
            Set(cli.values.keys).union(s.api.flatMap { targets[$0]?.variables.keys }.map(Set.init) ?? [])
        }
        var missing: [String] = []
        var helpers: [Scenario] = []
        for s in selected {
            let available = provided(s)
            for name in s.requires where !available.contains(name) {
                let exporter = loaded.first { e in
                    e.folder == s.folder && e.exports.contains(name) && e.requires.allSatisfy(provided(e).contains)
                }
                if let exporter {
                    if !selectedFiles.contains(exporter.file) && !helpers.contains(where: { $0.file == exporter.file }) {
                        helpers.append(exporter)
                    }
                } else {
                    missing.append("\(s.file): required variable '\(name)' has no value (pass --var \(name)=… or --vars-file)")
                }
            }
            if s.api.flatMap({ targets[$0] }) == nil && baseURL == nil && s.usesRelativePaths {
                missing.append("\(s.file): steps use paths but no base URL is set (pass --base-url, or --mock)")
            }
        }
        if !missing.isEmpty {
            for m in Set(missing).sorted() { printError(m) }
            await Self.shutDown(mocks)
            throw ExitCode.usage
        }

        // 4. Run, with Ctrl-C / SIGTERM stopping new steps (cleanup still runs).
        let color = !noColor && environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
        var configuration = RunConfiguration(
            baseURL: baseURL, variables: cli.values, secretVariables: cli.secretNames, environment: environment,
            jobs: jobs, timeout: timeout, connectTimeout: connectTimeout, retries: retries, insecure: insecure,
            caCertPath: cacert)
        configuration.targets = targets
        configuration.repeats = `repeat`
        // A mock's resources vanish with it, so a --mock run keeps no ledger unless asked to.
        configuration.ledgerPath = ledger ?? (useMocks ? nil : ".conform/ledger.jsonl")
        let client = HTTPClient(maxConnections: max(8, jobs * 2))
        defer { client.shutdown() }
        let runner = Runner(configuration: configuration, client: client, schemas: schemas)
        let console = LiveConsole(secrets: runner.secrets, color: color, verbose: verbose)
        var properties: [(name: String, value: String)] = [
            ("conform.version", Conform.version), ("run.id", configuration.runID),
            ("base_url", baseURL ?? (useMocks ? "built-in mocks" : "")),
        ]
        for m in mocks { properties.append(("mock.\(m.api.rawValue)", m.baseURL)) }
        if !tag.isEmpty { properties.append(("filter.tag", tag.joined(separator: ","))) }
        if !excludeTag.isEmpty { properties.append(("filter.exclude-tag", excludeTag.joined(separator: ","))) }
        if let shard { properties.append(("shard", shard.description)) }
        if `repeat` > 1 { properties.append(("repeat", String(`repeat`))) }
        if !fault.isEmpty { properties.append(("mock.faults", fault.joined(separator: ","))) }
        let props = properties

        let signals = SignalWatcher(notice: "conform: stopping: finishing requests in flight, then cleanup (press Ctrl-C again to quit at once)") {
            runner.stopSignal.stop()
        }
        let helperFiles = Set(helpers.map(\.file))
        var result = await runner.run(helpers + selected, properties: props) { event in
            if case .scenarioStarted(let file, _) = event, helperFiles.contains(file) { return }
            if case .scenarioFinished(let r) = event, helperFiles.contains(r.file) { return }
            console.handle(event)
        }
        signals.stop()
        await Self.shutDown(mocks)
        result.scenarios.removeAll { helperFiles.contains($0.file) }
        result.scenarios += excluded.map { ExcludedScenario.result($0, reason: "excluded by tag filter") }

        // 5. Reports: written also for failed and interrupted runs.
        var reportFailed = false
        if let junit {
            do {
                try JUnitReport.write(result, to: junit, options: JUnitOptions(fileAndLine: !junitNoFileLine))
            } catch { printError("conform: JUnit report not written: \(error)"); reportFailed = true }
        }
        if let json {
            do { try JSONReport.write(result, to: json) } catch { printError("conform: JSON report not written: \(error)"); reportFailed = true }
        }
        console.finish(result)

        let counts = result.counts
        if result.interrupted { throw ExitCode.interrupted }
        if counts.errors > 0 || reportFailed { throw ExitCode.harness }
        if counts.failed > 0 { throw ExitCode.nonconformance }
    }

    static func shutDown(_ mocks: [RunningMock]) async {
        for mock in mocks {
            do { try await mock.shutdown() } catch { printError("conform: the \(mock.api.rawValue) mock did not stop cleanly: \(error)") }
        }
    }

    /// The mocks' variables that are credentials (the others name things: org, registry_id, username).
    static let credentialVariables: Set<String> = ["password", "token", "secret"]

    func usage(_ message: String) -> ExitCode {
        printError("conform: \(message)")
        return ExitCode.usage
    }
}

extension Scenario {
    /// Whether any step is addressed relative to a base URL.
    var usesRelativePaths: Bool {
        (steps + cleanup).contains { step in
            let target: RequestTemplate.Target
            switch step.action {
            case .request(let r): target = r.target
            case .paginate(let p): target = p.request.target
            }
            if case .path = target { return true }
            return false
        }
    }
}

/// Results for scenarios left out by a tag filter: every step skipped with the reason.
enum ExcludedScenario {
    static func result(_ s: Scenario, reason: String) -> ScenarioResult {
        let steps = (s.steps + s.cleanup).enumerated().map { i, step in
            StepResult(index: i + 1, name: step.name, phase: i < s.steps.count ? .main : .cleanup, line: step.line,
                       duration: 0, outcome: .skipped(reason: reason), exchanges: [])
        }
        return ScenarioResult(file: s.file, name: s.name, tags: s.tags, startedAt: Date(), duration: 0, steps: steps)
    }
}
