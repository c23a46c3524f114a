import ConformJSON
import Foundation
import Testing
@testable import ConformSchema

/// The suite's optional format tests, for every format conform can assert.
@Suite struct FormatSuiteTests {
    static let files: [String] = FormatChecker.assertable.compactMap { name in
        let file = "draft2020-12/optional/format/\(name).json"
        return FileManager.default.fileExists(atPath: OfficialSuite.root + "/tests/" + file) ? file : nil
    }

    @Test func everyAssertableFormatWithSuiteTestsIsCovered() {
        #expect(Self.files.count == 8)  // all but OpenAPI's int32/int64/byte, which the suite does not cover
    }

    @Test(arguments: files)
    func assertedFormat(file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        let name = (file as NSString).lastPathComponent
        let (failures, ran) = try OfficialSuite.run(folder: folder, file: name, dialect: .draft2020_12,
                                                    options: SchemaOptions(assertFormats: true))
        #expect(ran > 10)
        #expect(failures.isEmpty, "\(failures.count) failing case(s) in \(file):\n\(failures.joined(separator: "\n"))")
    }
}

@Suite struct OpenAPIFormatTests {
    @Test(arguments: [
        ("int32", JSON.number(2_147_483_647), true), ("int32", .number(2_147_483_648), false), ("int32", .number(-2_147_483_648), true),
        ("int32", .number(1.5), false), ("int64", .number(9_007_199_254_740_992), true), ("int64", .number(1e19), false),
        ("byte", .string("aGVsbG8="), true), ("byte", .string("aGVsbG8"), false), ("byte", .string("aGV=bG8="), false),
        ("byte", .string(""), true), ("float", .number(1.5), true), ("password", .string("x"), true),
    ])
    func openAPIFormats(format: String, value: JSON, valid: Bool) throws {
        let schema = try JSONSchema(["format": .string(format)], options: SchemaOptions(defaultDialect: .openAPI30, assertFormats: true))
        #expect(schema.isValid(value) == valid)
        #expect(schema.unsupportedKeywords.isEmpty)
    }
}
