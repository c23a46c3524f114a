import ConformMocks
import Foundation
import Testing

@Suite("docs/mocks.md")
struct MockDocsTests {
    /// The repository's docs/mocks.md, found from this source file.
    static func docs() throws -> String {
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        let file = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/mocks.md")
        return try String(contentsOf: file, encoding: .utf8)
    }

    @Test(arguments: MockAPI.allCases)
    func listsEveryFaultWithItsSummary(_ api: MockAPI) throws {
        let text = try Self.docs()
        let section = try #require(text.components(separatedBy: "### \(api.rawValue)\n").dropFirst().first)
        let table = section.components(separatedBy: "\n### ").first ?? section
        for fault in api.faults {
            #expect(table.contains("| `\(fault.name)` | \(fault.summary) |"), "\(api.rawValue) \(fault.name)")
        }
    }

    @Test func namesEveryVariable() throws {
        let text = try Self.docs()
        for api in MockAPI.allCases {
            for name in api.variableNames { #expect(text.contains("`\(name)`"), "\(name)") }
        }
    }
}
