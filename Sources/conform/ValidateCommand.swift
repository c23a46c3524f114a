import ArgumentParser
import ConformJSON
import ConformScenario
import ConformSchema
import Dispatch
import Foundation
import Synchronization

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without sending anything.",
        discussion: "Prints one `file:line:column: message` per invalid file. Exit 0 when all are valid, 2 otherwise."
    )

    @Argument(help: "Scenario files, or folders searched for *.conform.json.")
    var paths: [String] = ["scenarios"]

    @Flag(name: .shortAndLong, help: "Print each valid file too.")
    var verbose = false

    func run() throws {
        let (scenarios, errors) = ScenarioSet.load(paths)
        for e in errors { printError(e.description) }
        for s in scenarios { for w in s.warnings { printError(w.description) } }
        if verbose { for s in scenarios { printOut("ok \(s.file)") } }
        printOut("\(scenarios.count) valid, \(errors.count) invalid")
        if !errors.isEmpty { throw ExitCode.usage }
    }
}

/// Loads every scenario of some paths, collecting one error per bad file.
enum ScenarioSet {
    static func load(_ paths: [String], schemas: SchemaStore = SchemaStore()) -> ([Scenario], [Diagnostic]) {
        let files: [String]
        do { files = try ScenarioLoader.discover(paths) } catch { return ([], [error]) }
        // Files are independent (the schema store is shared and locked): load them on every core, since
        // a large suite's loading is otherwise a long single-threaded pause before the first request.
        let loaded = Mutex<[(index: Int, result: Result<Scenario, Diagnostic>)]>([])
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
        let cache = LoadCache()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var mine: [(index: Int, result: Result<Scenario, Diagnostic>)] = []
            for i in stride(from: worker, to: files.count, by: workers) {
                do throws(Diagnostic) { mine.append((i, .success(try ScenarioLoader.load(file: files[i], schemas: schemas, cache: cache)))) } catch {
                    mine.append((i, .failure(error)))
                }
            }
            loaded.withLock { $0 += mine }
        }
        var scenarios: [Scenario] = []
        var errors: [Diagnostic] = []
        // In file order, as a sequential load reports them.
        for (_, result) in loaded.withLock({ $0 }).sorted(by: { $0.index < $1.index }) {
            switch result {
            case .success(let scenario): scenarios.append(scenario)
            case .failure(let error): errors.append(error)
            }
        }
        if files.isEmpty {
            errors.append(Diagnostic("no scenario files (*\(ScenarioLoader.fileSuffix)) found",
                                     at: SourceLocation(file: paths.joined(separator: " "), line: 1, column: 1)))
        }
        return (scenarios, errors)
    }
}
