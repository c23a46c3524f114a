import ConformJSON
import ConformSchema
import Foundation
import Testing

/// `scenarios/scenario.schema.json` describes the format editors check files with: every shipped
/// scenario must pass it, and it must refuse what the loader refuses for shape.
@Suite struct FormatSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func schema() throws -> JSONSchema {
        try SchemaStore().schema(atPath: root.appendingPathComponent("scenarios/scenario.schema.json").path)
    }

    static func scenarioFiles() -> [String] {
        ["scenarios", "bench/scenarios"].flatMap { folder -> [String] in
            let base = root.appendingPathComponent(folder).path
            let all = (FileManager.default.enumerator(atPath: base)?.allObjects as? [String]) ?? []
            return all.filter { $0.hasSuffix(".conform.json") }.map { base + "/" + $0 }
        }.sorted()
    }

    @Test func everyShippedScenarioMatchesTheFormatSchema() throws {
        let schema = try Self.schema()
        let files = Self.scenarioFiles()
        #expect(files.count >= 36)
        for file in files {
            let value = try JSONParser.value(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            let violations = schema.validate(value)
            #expect(violations.isEmpty, "\(file): \(violations.prefix(3).map { "\($0)" })")
        }
    }

    @Test func theSchemaRefusesWhatTheLoaderRefuses() throws {
        let schema = try Self.schema()
        let bad = [
            #"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expct": {}}]}"#,
            #"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": 5, "path": "/x"}}]}"#,
            #"{"conform": 1, "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}}]}"#,
            #"{"conform": 1, "name": "x", "exports": "token", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}}]}"#,
        ]
        for text in bad {
            #expect(!schema.isValid(try JSONParser.value(Array(text.utf8))), "\(text)")
        }
    }
}
