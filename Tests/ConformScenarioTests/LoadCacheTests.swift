import ConformJSON
import Foundation
import Testing
@testable import ConformScenario

/// A folder's `suite.json` is read once per load of many files (one cache), and what it says,
/// or what is wrong with it, reaches every scenario of the folder.
@Suite struct LoadCacheTests {
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
        let cache = LoadCache()
        let a = try ScenarioLoader.load(file: dir + "/a.conform.json", cache: cache)
        #expect(a.tags.contains("from-suite"))
        // Changed on disk after the first read: the same cache keeps what it read, a new one sees the change.
        try #"{"conform": 1, "tags": ["changed"]}"#.write(toFile: dir + "/suite.json", atomically: true, encoding: .utf8)
        let b = try ScenarioLoader.load(file: dir + "/b.conform.json", cache: cache)
        #expect(b.tags.contains("from-suite") && !b.tags.contains("changed"))
        let fresh = try ScenarioLoader.load(file: dir + "/b.conform.json", cache: LoadCache())
        #expect(fresh.tags.contains("changed") && !fresh.tags.contains("from-suite"))
    }

    @Test func aBrokenSuiteFailsEveryScenarioOfItsFolderAtTheSuitesLine() throws {
        let dir = try folder(suite: "{\"conform\": 1,\n \"tags\": 3}")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = LoadCache()
        for name in ["a", "b"] {
            #expect {
                try ScenarioLoader.load(file: dir + "/\(name).conform.json", cache: cache)
            } throws: { error in
                let d = error as? Diagnostic
                return d?.location.file == dir + "/suite.json" && d?.location.line == 2 && d?.message.contains("'tags' must be an array") == true
            }
        }
    }

    /// The byte-level folder of a path against Foundation's `deletingLastPathComponent`.
    @Test func folderOfAPathMatchesFoundation() {
        for path in ["a.json", "dir/a.json", "/a.json", "/x/y/z.json", "./a.json", "../up/a.json", "dir//a.json",
                     "dir/sub/", "/", "", "a/b/c/d/e.conform.json", "ü/é.json", "//x"] {
            #expect(ScenarioLoader.folder(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
        }
    }

    /// Reading a file: exactly its bytes, the empty file, and a clear error for what cannot be read.
    @Test func readFileReturnsTheBytesOrAClearError() throws {
        let dir = try folder(suite: "{}")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(FileManager.default.createFile(atPath: dir + "/big", contents: Data(bytes)))
        #expect(try ScenarioLoader.readFile(dir + "/big") == bytes)
        #expect(FileManager.default.createFile(atPath: dir + "/empty", contents: Data()))
        #expect(try ScenarioLoader.readFile(dir + "/empty") == [])
        // A pipe says nothing of its size: the limit holds all the same.
        let fifo = dir + "/pipe.conform.json"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(Data(repeating: 0x20, count: ScenarioLoader.maxFileBytes + 4096))
            try? handle.close()
        }
        writer.start()
        #expect { try ScenarioLoader.readFile(fifo) } throws: { ($0 as? Diagnostic)?.message.contains("limited to") == true }
        for unreadable in [dir + "/missing", dir] {
            #expect { try ScenarioLoader.readFile(unreadable) } throws: { ($0 as? Diagnostic)?.message == "cannot read the file" }
        }
    }
}
