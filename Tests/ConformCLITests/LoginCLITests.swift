import ConformMocks
import Foundation
import FoundationXML
import Testing

/// A CI job that holds only an identifier and a secret runs the whole Docker Hub suite: `10-login`
/// exports the JWT as `token`.
@Suite struct LoginCLITests {
    @Test func theDockerHubSuiteRunsFromAnIdentifierAndASecret() async throws {
        let mock = try await MockServers.start(MockConfiguration(api: .dockerhub))
        try await withShutdown(mock) {
            let junit = CLI.reports.appendingPathComponent("TEST-cli-login.xml")
            let vars = ["--var", "org=\(mock.variables["org"]!)", "--var", "identifier=\(mock.variables["identifier"]!)",
                        "--var", "secret=env:DOCKER_SECRET"]
            let out = try await CLI.run(["run", "scenarios/dockerhub", "--base-url", mock.baseURL, "--junit", junit.path] + vars,
                                        environment: ["DOCKER_SECRET": mock.variables["secret"]!])
            #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
            #expect(out.stdout.contains("10-login.conform.json"))
            #expect(try XMLDocument(contentsOf: junit).nodes(forXPath: "/testsuites/testsuite").count == 11)
            #expect(mock.tokenCount == 0)

            // With --tag, the login is left out of the report but still runs first, as a helper.
            let tagged = try await CLI.run(["run", "scenarios/dockerhub", "--base-url", mock.baseURL, "--tag", "lifecycle"] + vars,
                                           environment: ["DOCKER_SECRET": mock.variables["secret"]!])
            #expect(tagged.status == 0, "\(tagged.stdout)\n\(tagged.stderr)")
            #expect(!tagged.stdout.contains("PASS  scenarios/dockerhub/10-login"))

            // A wrong secret: the login fails, and every scenario that needed its token says why.
            let wrong = try await CLI.run(["run", "scenarios/dockerhub", "--base-url", mock.baseURL, "--tag", "lifecycle"] + vars,
                                          environment: ["DOCKER_SECRET": "not-the-secret"])
            #expect(wrong.status == 3, "\(wrong.stdout)\n\(wrong.stderr)")
            #expect(wrong.stdout.contains("required variable 'token' has no value: scenarios/dockerhub/10-login.conform.json, which exports it, did not pass"))
            #expect(!wrong.stdout.contains("not-the-secret") && !wrong.stderr.contains("not-the-secret"))
        }
    }
}
