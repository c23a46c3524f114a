import Foundation
import FoundationXML
import Testing

/// `conform run --shard K/N` on several "machines", then `conform merge`, as docs/ci.md shows.
@Suite struct ShardMergeCLITests {
    func suiteNames(_ file: URL) throws -> [String] {
        try XMLDocument(contentsOf: file).nodes(forXPath: "/testsuites/testsuite/@name").compactMap(\.stringValue)
    }

    func testcaseCount(_ file: URL) throws -> Int {
        try XMLDocument(contentsOf: file).nodes(forXPath: "//testcase").count
    }

    @Test func threeShardsCoverEverySuiteOnceAndMergeIntoOneReport() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xml = (1...3).map { CLI.reports.appendingPathComponent("TEST-cli-shard-\($0).xml") }
        let json = (1...3).map { dir.appendingPathComponent("shard-\($0).json") }
        for k in 1...3 {
            let out = try await CLI.run(["run", "scenarios", "--mock", "--shard", "\(k)/3", "--junit", xml[k - 1].path, "--json", json[k - 1].path])
            #expect(out.status == 0, "shard \(k): \(out.stdout)\n\(out.stderr)")
        }
        let listed = try await CLI.run(["list", "scenarios"])
        let parts = try xml.map(suiteNames)
        let all = parts.flatMap { $0 }
        #expect(Set(all).count == all.count, "no suite runs in two shards")
        let files = listed.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasSuffix(".conform.json") }.map(String.init)
        }
        #expect(files.count == 35 && Set(all) == Set(files), "every scenario in exactly one shard")
        #expect(parts.allSatisfy { (11...12).contains($0.count) }, "balanced: \(parts.map(\.count))")
        let shardProperty = try XMLDocument(contentsOf: xml[1]).nodes(forXPath: "//property[@name='shard']/@value").first?.stringValue
        #expect(shardProperty == "2/3")

        let merged = CLI.reports.appendingPathComponent("TEST-cli-merged.xml")
        let merge = try await CLI.run(["merge"] + xml.map(\.path) + ["-o", merged.path])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try suiteNames(merged) == all)
        let total = try xml.map(testcaseCount).reduce(0, +)
        #expect(try testcaseCount(merged) == total)
        #expect(merge.stdout.contains("3 reports, 35 suites, \(total) testcases (0 failed, 0 errors, 0 skipped)"))

        // JSON reports merge too, and give the JUnit file on the way.
        let mergedJSON = dir.appendingPathComponent("all.json")
        let fromJSON = dir.appendingPathComponent("all.xml")
        let jsonMerge = try await CLI.run(["merge"] + json.map(\.path) + ["-o", mergedJSON.path, "--junit", fromJSON.path])
        #expect(jsonMerge.status == 0, "\(jsonMerge.stderr)")
        #expect(Set(try suiteNames(fromJSON)) == Set(all))
        #expect(try testcaseCount(fromJSON) == total)

        // The same shard twice is refused, and nothing is written.
        let twice = dir.appendingPathComponent("twice.xml")
        let again = try await CLI.run(["merge", xml[0].path, xml[0].path, "-o", twice.path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("the same report given twice, or overlapping shards"))
        #expect(!FileManager.default.fileExists(atPath: twice.path))
        let mixed = try await CLI.run(["merge", xml[0].path, json[0].path, "-o", twice.path])
        #expect(mixed.status == 2 && mixed.stderr.contains("mix JUnit XML and JSON"))
    }

    /// A tag filter applies within each shard, so a scenario it leaves out is reported (skipped) by one shard only.
    @Test func tagFilteredScenariosAreReportedByOneShard() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xml = (1...2).map { dir.appendingPathComponent("tag-shard-\($0).xml") }
        for k in 1...2 {
            let out = try await CLI.run(["run", "scenarios/xms", "--mock", "--tag", "lifecycle", "--shard", "\(k)/2", "--junit", xml[k - 1].path])
            #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        }
        let all = try xml.flatMap(suiteNames)
        #expect(Set(all).count == all.count)
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.root.appendingPathComponent("scenarios/xms").path)
            .filter { $0.hasSuffix(".conform.json") }
        #expect(all.count == files.count)
    }

    @Test func badShardsAreUsageErrors() async throws {
        for bad in ["0/2", "3/2", "x", "1/0"] {
            let out = try await CLI.run(["run", "scenarios/xms", "--mock", "--shard", bad])
            #expect(out.status == 2, "\(bad)")
            #expect(out.stderr.contains("--shard"), "\(bad): \(out.stderr)")
        }
    }
}
