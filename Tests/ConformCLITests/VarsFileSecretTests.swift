import ConformMocks
import Foundation
import Testing

/// Issue 7, secrets: a credential from a vars file, sent as the XMS `token` query parameter and
/// the `Xms-Auth-Token` header, never shows in `-v` output, errors or reports.
@Suite struct VarsFileSecretTests {
    @Test func aVarsFileCredentialIsMaskedEverywhere() async throws {
        let mock = try await MockServers.start(MockConfiguration(api: .xms))
        try await withShutdown(mock) {
            let token = try #require(mock.variables["token"])
            let dir = CLI.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let vars = dir.appendingPathComponent("vars.json")
            try Data(#"{"token": "\#(token)"}"#.utf8).write(to: vars)
            let junit = CLI.reports.appendingPathComponent("TEST-cli-vars-file.xml")
            let json = dir.appendingPathComponent("report.json")
            let out = try await CLI.run(["run", "scenarios/xms/09-query-auth.conform.json", "scenarios/xms/01-lifecycle.conform.json",
                                         "--base-url", mock.baseURL, "--vars-file", vars.path, "-v",
                                         "--junit", junit.path, "--json", json.path, "--ledger", dir.appendingPathComponent("ledger").path])
            #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
            #expect(out.stdout.contains("?token=***"), "the query parameter is masked by name")
            #expect(out.stdout.contains("Xms-Auth-Token: ***"))
            let texts = [out.stdout, out.stderr, try String(contentsOf: junit, encoding: .utf8), try String(contentsOf: json, encoding: .utf8)]
            for text in texts { #expect(!text.contains(token)) }

            // A failing run's error messages mask it too: the server refuses a tampered token.
            let wrong = dir.appendingPathComponent("wrong.json")
            let tampered = "x" + token.dropFirst()
            try Data(#"{"token": "\#(tampered)"}"#.utf8).write(to: wrong)
            let failed = try await CLI.run(["run", "scenarios/xms/01-lifecycle.conform.json", "--base-url", mock.baseURL,
                                            "--vars-file", wrong.path, "-v", "--ledger", dir.appendingPathComponent("ledger").path])
            #expect(failed.status == 1, "\(failed.stdout)\n\(failed.stderr)")
            #expect(!failed.stdout.contains(tampered) && !failed.stderr.contains(tampered))
            #expect(mock.tokenCount == 0)
        }
    }
}
