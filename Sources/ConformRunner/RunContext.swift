import ConformHTTP
import ConformJSON
import ConformScenario

/// What happens during a run, for live console output and `-v` transcripts.
public enum RunEvent: Sendable {
    case scenarioStarted(file: String, name: String)
    case scenarioFinished(ScenarioResult)
    /// A request and its response, as soon as it completes (raw: mask before printing).
    case exchange(file: String, step: String, Exchange)
}

/// Shared, thread-safe services of one run.
final class RunContext: Sendable {
    let client: HTTPClient
    let configuration: RunConfiguration
    let secrets: SecretBook
    let schemas: SchemaService
    let ledger: CleanupLedger
    let stop: StopSignal
    let events: @Sendable (RunEvent) -> Void

    init(client: HTTPClient, configuration: RunConfiguration, secrets: SecretBook, schemas: SchemaService,
         ledger: CleanupLedger, stop: StopSignal, events: @escaping @Sendable (RunEvent) -> Void) {
        self.stop = stop
        self.client = client
        self.configuration = configuration
        self.secrets = secrets
        self.schemas = schemas
        self.ledger = ledger
        self.events = events
    }

    var evaluator: Evaluator {
        let schemas = self.schemas
        return Evaluator { ref, value in try schemas.violations(of: value, against: ref) }
    }
}
