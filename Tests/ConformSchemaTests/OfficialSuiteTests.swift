import ConformJSON
import Foundation
import Testing
@testable import ConformSchema

/// Runs the official JSON-Schema-Test-Suite (draft2020-12 and draft4, not `optional/`).
enum OfficialSuite {
    /// `../shared/json-schema-test-suite` beside the repository (found from this file's path).
    static let root: String = {
        let tests = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        let repo = tests.deletingLastPathComponent().deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/json-schema-test-suite").standardizedFileURL.path
    }()

    /// Files or groups (`file.json#group description`) not run, with why. Everything else must pass.
    /// Keep in step with the "Not supported" section of docs/json-schema.md.
    static let skipped: [String: String] = [:]

    static func files(_ folder: String) -> [String] {
        let dir = root + "/tests/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Runs every case of one file; returns the failures as readable lines and how many cases ran.
    static func run(folder: String, file: String, dialect: SchemaDialect,
                    options: SchemaOptions = SchemaOptions()) throws -> (failures: [String], ran: Int) {
        var options = options
        options.defaultDialect = dialect
        let path = root + "/tests/" + folder + "/" + file
        let doc = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), file: path)
        let store = SchemaStore(remoteDirectories: ["http://localhost:1234/": root + "/remotes"])
        var failures: [String] = []
        var ran = 0
        for group in doc.root.arrayValue ?? [] {
            let title = group["description"]?.stringValue ?? "?"
            if skipped["\(folder)/\(file)"] != nil || skipped["\(folder)/\(file)#\(title)"] != nil { continue }
            let schema: JSONSchema
            do {
                schema = try store.schema(group["schema"] ?? .null, options: options)
            } catch {
                failures.append("[\(title)] does not compile: \(error)")
                continue
            }
            for test in group["tests"]?.arrayValue ?? [] {
                ran += 1
                let data = test["data"] ?? .null
                let expected = test["valid"] == .bool(true)
                let fast = schema.isValid(data)
                let violations = schema.validate(data)
                if fast != expected || violations.isEmpty != expected {
                    failures.append("[\(title)] \(test["description"]?.stringValue ?? "?"): expected \(expected ? "valid" : "invalid"), "
                                    + "isValid=\(fast), violations=\(violations.map(\.description))")
                }
            }
        }
        return (failures, ran)
    }
}

@Suite struct OfficialSuiteTests {
    @Test func suiteIsPresent() {
        #expect(FileManager.default.fileExists(atPath: OfficialSuite.root + "/tests/draft4"),
                "JSON-Schema-Test-Suite not found at \(OfficialSuite.root) (expected ../shared/json-schema-test-suite beside the repository)")
        #expect(OfficialSuite.files("draft2020-12").count > 40)
        #expect(OfficialSuite.files("draft4").count > 25)
    }

    @Test(arguments: OfficialSuite.files("draft2020-12"))
    func draft2020_12(file: String) throws {
        let (failures, ran) = try OfficialSuite.run(folder: "draft2020-12", file: file, dialect: .draft2020_12)
        #expect(ran > 0 || OfficialSuite.skipped["draft2020-12/\(file)"] != nil)
        #expect(failures.isEmpty, "\(failures.count) failing case(s) in draft2020-12/\(file):\n\(failures.joined(separator: "\n"))")
    }

    @Test(arguments: OfficialSuite.files("draft4"))
    func draft4(file: String) throws {
        let (failures, ran) = try OfficialSuite.run(folder: "draft4", file: file, dialect: .draft4)
        #expect(ran > 0 || OfficialSuite.skipped["draft4/\(file)"] != nil)
        #expect(failures.isEmpty, "\(failures.count) failing case(s) in draft4/\(file):\n\(failures.joined(separator: "\n"))")
    }
}
