import ArgumentParser
import ConformHTTP
import ConformRunner
import Foundation

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Delete what earlier runs created and left behind (after a crash or kill -9).",
        discussion: """
            Reads the cleanup ledger that `conform run` writes as it goes and sends each open entry's \
            delete request, newest first. The ledger holds no credentials: pass the variables its auth \
            uses (e.g. --var token=env:HUB_JWT). Exit 0 when nothing is left, 3 otherwise.
            """
    )

    @Option(name: .long, help: "The ledger file.")
    var ledger = ".conform/ledger.jsonl"

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable, name=value (env:NAME reads the environment).", valueName: "name=value"))
    var variables: [String] = []

    @Option(name: .long, help: "A JSON file of variables.")
    var varsFile: String?

    @Option(name: .long, help: "Whole-request timeout in seconds.")
    var timeout: Double = 30

    @Flag(name: .long, help: "List what would be deleted; send nothing.")
    var dryRun = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if dryRun {
            let pending = Sweeper.pending(ledger: ledger)
            for p in pending { printOut("\(p.method) \(p.url)  (\(p.scenario))") }
            printOut("\(pending.count) left in \(ledger)")
            return
        }
        let cli: CommandLineVariables
        do { cli = try CommandLineVariables.parse(vars: variables, file: varsFile, environment: environment) } catch {
            printError(error.description)
            throw ExitCode.usage
        }
        let client = HTTPClient(maxConnections: 4)
        defer { client.shutdown() }
        let secrets = SecretBook()
        for name in cli.secretNames { if let v = cli.values[name] { secrets.add(name: name, value: v.plainText) } }
        let outcomes = await Sweeper(client: client, variables: cli.values, environment: environment, timeout: timeout)
            .sweep(ledger: ledger, secrets: secrets)
        let redactor = secrets.redactor
        for o in outcomes {
            printOut("\(o.settled ? "✔" : "✘") \(o.method) \(redactor.mask(url: o.url))  \(redactor.mask(o.result))  (\(o.scenario))")
        }
        let left = outcomes.filter { !$0.settled }.count
        printOut("\(outcomes.count - left) swept, \(left) left")
        if left > 0 { throw ExitCode.harness }
    }
}
