import ConformHTTP
import ConformJSON
import ConformScenario
import ConformSchema
import Foundation

/// Runs scenarios against an implementation and collects their results.
///
/// Scenarios that export variables run first, one at a time; then scenarios run concurrently
/// (at most `jobs` at once), the steps of one scenario in order. Serial scenarios run
/// afterwards, one at a time. Cancelling the task that
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
        // Each scenario once, or with --repeat N, N copies of each that does not export (exporters
        // are set-up: they run once). A copy's name says which it is, and its {{run.id}} is the
        // run's id followed by the copy's number, zero-padded to one width (`abcd123407` of 12), so
        // no copy's names are a prefix of another's. `slot`, the place in the plan, tells executions apart.
        let repeats = max(1, configuration.repeats)
        let width = String(repeats).count
        var plan: [(scenario: Scenario, runID: String)] = []
        plan.reserveCapacity(scenarios.count * repeats)
        for scenario in scenarios {
            guard repeats > 1, scenario.exports.isEmpty else { plan.append((scenario, configuration.runID)); continue }
            for copy in 1...repeats {
                var repeated = scenario
                repeated.name += " (repeat \(copy) of \(repeats))"
                let number = String(copy)
                plan.append((repeated, configuration.runID + String(repeating: "0", count: width - number.count) + number))
            }
        }
        @Sendable func execution(for planned: (scenario: Scenario, runID: String), slot: Int, exports: Exports) -> ScenarioExecution {
            let scenario = planned.scenario
            var scope = Scope(variables: configuration.variables, environment: configuration.environment)
            var baseURL = configuration.baseURL
            if let api = scenario.api, let target = configuration.targets[api] {
                baseURL = target.baseURL
                scope.variables.merge(target.variables) { _, mock in mock }
                // What the user passed explicitly wins over what the mock announced.
                scope.variables.merge(configuration.variables) { _, user in user }
            }
            exports.apply(to: &scope, for: scenario)
            scope["run.id"] = .string(planned.runID)
            return ScenarioExecution(scenario: scenario, slot: slot, context: context, scope: scope, baseURL: baseURL,
                                     unexported: exports.reasons(for: scenario))
        }

        var results = [ScenarioResult?](repeating: nil, count: plan.count)
        // Exporting scenarios (a login that yields the suite's token) run first, one at a time.
        var collected = Exports()
        for (index, planned) in plan.enumerated() where !planned.scenario.exports.isEmpty {
            let scenario = planned.scenario
            var execution = execution(for: planned, slot: index, exports: collected)
            results[index] = await execution.run()
            collected.record(scenario, result: results[index]!, scope: execution.scope)
            for name in scenario.exports where scenario.secrets.contains(name) {
                if let v = execution.scope[name] { secrets.add(name: name, value: v.plainText) }
            }
        }
        let exports = collected
        let others = plan.enumerated().filter { $0.element.scenario.exports.isEmpty }
        let parallel = others.filter { !$0.element.scenario.serial }
        let serial = others.filter { $0.element.scenario.serial }
        let jobs = max(1, configuration.jobs)
        // On the transfer thread, the scenarios (child tasks inherit the preference) and the group's
        // own code: a response resumes its scenario there and the next request is queued there, and
        // a finished scenario hands its result over, with no wake-up of another thread in between
        // (see HTTPClient.executor).
        await withTaskExecutorPreference(client.executor) {
            await withTaskGroup(of: (Int, ScenarioResult).self) { group in
                var pending = parallel.makeIterator()
                func startNext() -> Bool {
                    guard let (index, planned) = pending.next() else { return false }
                    group.addTask {
                        var execution = execution(for: planned, slot: index, exports: exports)
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
        }
        for (index, planned) in serial {
            var execution = execution(for: planned, slot: index, exports: exports)
            results[index] = await execution.run()
        }
        ledger.compact()
        return RunResult(runID: configuration.runID, startedAt: startedAt, duration: (clock.now - start).seconds,
                         properties: properties, scenarios: results.compactMap { $0 }, interrupted: stopSignal.isStopped || Task.isCancelled,
                         secrets: secrets.known)
    }
}
