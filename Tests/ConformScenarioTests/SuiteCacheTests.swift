import ConformJSON
import Foundation
import Testing
@testable import ConformScenario

/// A folder's `suite.json` is read once per load of many files (one cache), and what it says,
/// or what is wrong with it, reaches every scenario of the folder.
@Suite struct SuiteCacheTests {
    static let scenario = #"{"conform": 1, "name": "NAME", "steps": [{"name": "s", "request": {"method": "GET", "path": "/"}, "expect": {"status": 200}}]}"#

    func folder(suite: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-suites-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try suite.write(toFile: dir + "/suite.json", atomically: true, encoding: .utf8)
        for name in ["a", "b"] {
            try Self.scenario.replacingOccurrences(of: "NAME", with: name)
                .write(toFile: dir + "/\(name).conform.json", atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func oneCacheReadsTheSuiteOnceAndEveryScenarioGetsIt() throws {
        let dir = try folder(suite: #"{"conform": 1, "tags": ["from-suite"]}"#)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = SuiteCache()
        let a = try ScenarioLoader.load(file: dir + "/a.conform.json", suites: cache)
        #expect(a.tags.contains("from-suite"))
        // Changed on disk after the first read: the same cache keeps what it read, a new one sees the change.
        try #"{"conform": 1, "tags": ["changed"]}"#.write(toFile: dir + "/suite.json", atomically: true, encoding: .utf8)
        let b = try ScenarioLoader.load(file: dir + "/b.conform.json", suites: cache)
        #expect(b.tags.contains("from-suite") && !b.tags.contains("changed"))
        let fresh = try ScenarioLoader.load(file: dir + "/b.conform.json", suites: SuiteCache())
        #expect(fresh.tags.contains("changed") && !fresh.tags.contains("from-suite"))
    }

    @Test func aBrokenSuiteFailsEveryScenarioOfItsFolderAtTheSuitesLine() throws {
        let dir = try folder(suite: "{\"conform\": 1,\n \"tags\": 3}")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = SuiteCache()
        for name in ["a", "b"] {
            #expect {
                try ScenarioLoader.load(file: dir + "/\(name).conform.json", suites: cache)
            } throws: { error in
                let d = error as? Diagnostic
                return d?.location.file == dir + "/suite.json" && d?.location.line == 2 && d?.message.contains("'tags' must be an array") == true
            }
        }
    }
}
