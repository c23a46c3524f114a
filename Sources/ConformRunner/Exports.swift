import ConformJSON
import ConformScenario

/// Variables that exporting scenarios (`"exports"`, e.g. a login yielding the suite's token)
/// handed on to the other scenarios of their folder (their suite).
struct Exports: Sendable {
    /// Folder → variable → value, from exporters that passed.
    private var values: [String: [String: JSON]] = [:]
    /// Folder → variable → why it has no value (its exporter did not pass).
    private var missing: [String: [String: String]] = [:]

    /// Takes `scenario`'s exports from the scope it finished with, if every step passed.
    mutating func record(_ scenario: Scenario, result: ScenarioResult, scope: Scope) {
        let folder = scenario.folder
        let passed = result.counts.failed == 0 && result.counts.errors == 0
        for name in scenario.exports {
            if passed, let value = scope[name] {
                values[folder, default: [:]][name] = value
            } else if values[folder]?[name] == nil {
                missing[folder, default: [:]][name] = "\(scenario.file), which exports it, did not pass"
            }
        }
    }

    /// Fills the variables of `scope` that have no value yet: what the user or a mock gave wins.
    func apply(to scope: inout Scope, for scenario: Scenario) {
        for (name, value) in values[scenario.folder] ?? [:] where scope[name] == nil {
            scope[name] = value
        }
    }

    /// Why each variable an exporter should have provided to `scenario` has no value.
    func reasons(for scenario: Scenario) -> [String: String] {
        missing[scenario.folder] ?? [:]
    }
}
