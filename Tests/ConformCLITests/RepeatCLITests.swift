import Foundation
import FoundationXML
import Testing

/// `conform run --repeat N`: every suite's scenarios N times against the mocks, one JUnit suite per copy.
@Suite struct RepeatCLITests {
    @Test func everySuiteRepeatedPassesWithOneSuitePerCopy() async throws {
        let xml = CLI.reports.appendingPathComponent("TEST-cli-repeat.xml")
        let once = CLI.reports.appendingPathComponent("TEST-cli-repeat-once.xml")
        let out = try await CLI.run(["run", "scenarios/xms", "scenarios/dockerhub", "--mock", "--repeat", "2", "--jobs", "8", "--junit", xml.path])
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        let single = try await CLI.run(["run", "scenarios/xms", "scenarios/dockerhub", "--mock", "--junit", once.path])
        #expect(single.status == 0)
        let doc = try XMLDocument(contentsOf: xml)
        let suites = try doc.nodes(forXPath: "/testsuites/testsuite/@name").compactMap(\.stringValue)
        let singleSuites = try XMLDocument(contentsOf: once).nodes(forXPath: "/testsuites/testsuite/@name").compactMap(\.stringValue)
        // The login exports the token: set-up, run once. Every other scenario twice, as named copies.
        let exporters = singleSuites.filter { $0.contains("10-login") }
        #expect(exporters.count == 1)
        #expect(suites.count == 2 * singleSuites.count - exporters.count)
        #expect(Set(suites).count == suites.count, "suite names are unique")
        #expect(suites.filter { $0.contains("(repeat 1 of 2)") }.count == singleSuites.count - exporters.count)
        #expect(suites.filter { $0.contains("(repeat 2 of 2)") }.count == singleSuites.count - exporters.count)
        let repeatProperty = try doc.nodes(forXPath: "//property[@name='repeat']/@value").first?.stringValue
        #expect(repeatProperty == "2")
        #expect(out.stdout.hasSuffix("0 failed, 0 skipped\n"), "\(out.stdout.suffix(200))")
    }

    @Test func tooManyExecutionsAreRefusedBeforeAnythingStarts() async throws {
        let out = try await CLI.run(["run", "scenarios", "--mock", "--repeat", "3000"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("--repeat 3000 of 35 scenarios makes 105000 runs; at most 100000"), "\(out.stderr)")
    }

    @Test(arguments: ["0", "-1", "1000001", "x"])
    func aBadRepeatCountIsAUsageError(count: String) async throws {
        let out = try await CLI.run(["run", "scenarios/xms", "--mock", "--repeat", count])
        #expect(out.status == 2, "\(out.stderr)")
    }
}
