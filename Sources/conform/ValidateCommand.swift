import ArgumentParser
import ConformJSON
import ConformScenario
import ConformSchema

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
        var scenarios: [Scenario] = []
        var errors: [Diagnostic] = []
        for file in files {
            do { scenarios.append(try ScenarioLoader.load(file: file, schemas: schemas)) } catch { errors.append(error) }
        }
        if files.isEmpty {
            errors.append(Diagnostic("no scenario files (*\(ScenarioLoader.fileSuffix)) found",
                                     at: SourceLocation(file: paths.joined(separator: " "), line: 1, column: 1)))
        }
        return (scenarios, errors)
    }
}
