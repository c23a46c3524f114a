import ArgumentParser

@main
struct Conform: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Contract and conformance tests for access-token REST APIs.",
        discussion: """
            Runs declarative JSON scenarios (*.conform.json) against an implementation of an API, \
            live or mock, and checks status codes, JSON schemas and one-time-secret semantics.

            Exit codes: 0 all passed · 1 nonconformance found · 2 usage or scenario error · \
            3 the harness could not do its job (e.g. target unreachable) · 130 interrupted.
            """,
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, ListCommand.self, MockCommand.self, SweepCommand.self, MergeCommand.self]
    )

    /// ArgumentParser's own `main`, except that a command line it cannot parse (`--jobs x`) exits
    /// with conform's usage code 2, as documented, rather than ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                exit(withError: ExitCode.usage)
            }
            exit(withError: error)
        }
    }
}
