import ConformHTTP
import ConformJSON
import ConformScenario
import ConformSchema
import Foundation

/// Runs scenarios against an implementation and collects their results.
///
/// Scenarios run concurrently (at most `jobs` at once), the steps of one scenario in
/// order. Serial scenarios run afterwards, one at a time. Cancelling the task that
/// calls `run` stops new steps; cleanup steps and the ledger still run.
public struct Runner: Sendable {
    public let configuration: RunConfiguration
    public let client: HTTPClient
    public let secrets: SecretBook
    public let ledger: CleanupLedger
    /// `stop()` ends the run gracefully (Ctrl-C): see `StopSignal`.
    public let stopSignal = StopSignal()
    let schemas: SchemaService

    /// - Parameter schemas: the store scenarios were loaded with, so compiled schemas are reused.
    public init(configuration: RunConfiguration, client: HTTPClient, secrets: SecretBook = SecretBook(),
                schemas: SchemaStore = SchemaStore()) {
        self.configuration = configuration
        self.client = client
        self.secrets = secrets
        self.ledger = CleanupLedger(path: configuration.ledgerPath, runID: configuration.runID)
        self.schemas = SchemaService(store: schemas)
    }

    public func run(_ scenarios: [Scenario], properties: [(name: String, value: String)] = [],
                    events: @escaping @Sendable (RunEvent) -> Void = { _ in }) async -> RunResult {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        for name in configuration.secretVariables {
            if let v = configuration.variables[name] { secrets.add(name: name, value: v.plainText) }
        }
        for target in configuration.targets.values {
            for name in target.secretVariables {
                if let v = target.variables[name] { secrets.add(name: name, value: v.plainText) }
            }
        }
        let context = RunContext(client: client, configuration: configuration, secrets: secrets, schemas: schemas,
                                 ledger: ledger, stop: stopSignal, events: events)
        let configuration = self.configuration
        @Sendable func execution(for scenario: Scenario) -> ScenarioExecution {
            var scope = Scope(variables: configuration.variables, environment: configuration.environment)
            var baseURL = configuration.baseURL
            if let api = scenario.api, let target = configuration.targets[api] {
                baseURL = target.baseURL
                scope.variables.merge(target.variables) { _, mock in mock }
                // What the user passed explicitly wins over what the mock announced.
                scope.variables.merge(configuration.variables) { _, user in user }
            }
            scope["run.id"] = .string(configuration.runID)
            return ScenarioExecution(scenario: scenario, context: context, scope: scope, baseURL: baseURL)
        }

        let parallel = scenarios.enumerated().filter { !$0.element.serial }
        let serial = scenarios.enumerated().filter { $0.element.serial }
        var results = [ScenarioResult?](repeating: nil, count: scenarios.count)
        let jobs = max(1, configuration.jobs)
        await withTaskGroup(of: (Int, ScenarioResult).self) { group in
            var pending = parallel.makeIterator()
            func startNext() -> Bool {
                guard let (index, scenario) = pending.next() else { return false }
                group.addTask {
                    var execution = execution(for: scenario)
                    return (index, await execution.run())
                }
                return true
            }
            for _ in 0..<jobs { if !startNext() { break } }
            while let (index, result) = await group.next() {
                results[index] = result
                _ = startNext()
            }
        }
        for (index, scenario) in serial {
            var execution = execution(for: scenario)
            results[index] = await execution.run()
        }
        ledger.compact()
        return RunResult(runID: configuration.runID, startedAt: startedAt, duration: (clock.now - start).seconds,
                         properties: properties, scenarios: results.compactMap { $0 }, interrupted: stopSignal.isStopped || Task.isCancelled,
                         secrets: secrets.known)
    }
}
