import ArgumentParser
import ConformScenario

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List scenarios with their API, tags and step count, then every tag."
    )

    @Argument(help: "Scenario files, or folders searched for *.conform.json.")
    var paths: [String] = ["scenarios"]

    @Option(name: .long, help: "Only scenarios with this tag (repeatable: any of them).")
    var tag: [String] = []

    func run() throws {
        let (scenarios, errors) = ScenarioSet.load(paths)
        for e in errors { printError(e.description) }
        var tagCounts: [String: Int] = [:]
        for s in scenarios where tag.isEmpty || !Set(tag).isDisjoint(with: s.tags) {
            let tags = s.tags.isEmpty ? "" : "  [\(s.tags.joined(separator: ", "))]"
            printOut("\(s.file)  \(s.name)  (\(s.api ?? "any API"), \(s.steps.count) steps)\(tags)")
            for t in s.tags { tagCounts[t, default: 0] += 1 }
        }
        if !tagCounts.isEmpty {
            printOut("tags: " + tagCounts.keys.sorted().map { "\($0) (\(tagCounts[$0]!))" }.joined(separator: ", "))
        }
        if !errors.isEmpty { throw ExitCode.usage }
    }
}
