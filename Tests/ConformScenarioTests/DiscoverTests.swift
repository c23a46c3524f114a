import ConformJSON
import Foundation
import Testing
@testable import ConformScenario

@Suite struct DiscoverTests {
    /// Folders are searched recursively, hidden ones too, for `*.conform.json` files (symbolic links
    /// to files included); links to folders are not followed; a folder so named is searched, not
    /// listed; each folder's files come sorted, a file given twice once.
    @Test func findsScenarioFilesBelowFolders() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("discover-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: root) }
        let outside = root + "-outside"
        defer { try? fm.removeItem(atPath: outside) }
        for folder in ["tree/b/deep/er", "tree/.hidden", "tree/odd.conform.json", outside] {
            try fm.createDirectory(atPath: folder.hasPrefix("/") ? folder : root + "/" + folder, withIntermediateDirectories: true)
        }
        for file in ["tree/z.conform.json", "tree/a.conform.json", "tree/b/deep/er/x.conform.json", "tree/.hidden/h.conform.json",
                     "tree/odd.conform.json/in.conform.json", "tree/notes.json", "tree/b/suite.json", "tree/conform.json"] {
            #expect(fm.createFile(atPath: root + "/" + file, contents: Data("{}".utf8)))
        }
        #expect(fm.createFile(atPath: outside + "/far.conform.json", contents: Data("{}".utf8)))
        try fm.createSymbolicLink(atPath: root + "/tree/link", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: root + "/tree/b/linked.conform.json", withDestinationPath: root + "/tree/a.conform.json")

        let tree = root + "/tree"
        let expected = [".hidden/h.conform.json", "a.conform.json", "b/deep/er/x.conform.json", "b/linked.conform.json",
                        "odd.conform.json/in.conform.json", "z.conform.json"].map { tree + "/" + $0 }
        #expect(try ScenarioLoader.discover([tree]) == expected)
        #expect(try ScenarioLoader.discover([tree + "/"]) == expected)
        let single = tree + "/z.conform.json"
        #expect(try ScenarioLoader.discover([single, tree]) == [single] + expected.filter { $0 != single })
        #expect(throws: Diagnostic.self) { try ScenarioLoader.discover([root + "/missing"]) }
    }
}
