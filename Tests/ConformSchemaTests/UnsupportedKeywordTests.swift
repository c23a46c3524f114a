import ConformJSON
import Testing
@testable import ConformSchema

/// Keywords this validator knows but does not apply in a dialect. Each must be reported in
/// `unsupportedKeywords`, never silently ignored. Keep in step with docs/json-schema.md.
enum NotApplied {
    static let draft2020_12 = ["$recursiveRef", "$recursiveAnchor", "dependencies", "additionalItems", "nullable"]
    static let draft4 = ["const", "contains", "minContains", "maxContains", "propertyNames", "if", "then", "else",
                         "prefixItems", "dependentRequired", "dependentSchemas", "unevaluatedItems",
                         "unevaluatedProperties", "$dynamicRef", "$recursiveRef", "nullable"]
    static let openAPI30 = draft4.filter { $0 != "nullable" }
}

@Suite struct UnsupportedKeywordTests {
    static func reported(_ keyword: String, _ dialect: SchemaDialect) throws -> [UnsupportedKeyword] {
        // A value of the right shape for every keyword in the lists.
        let value: JSON = ["nullable", "$recursiveAnchor"].contains(keyword) ? true
            : ["minContains", "maxContains"].contains(keyword) ? 1
            : ["dependencies", "dependentRequired", "dependentSchemas"].contains(keyword) ? ["a": ["b"]]
            : ["$recursiveRef", "$dynamicRef"].contains(keyword) ? "#" : [:]
        var schema: JSON.Object = [keyword: value]
        if ["then", "else"].contains(keyword) { schema["if"] = [:] }
        if keyword == "additionalItems" { schema["items"] = [:] }
        return try JSONSchema(.object(schema), options: SchemaOptions(defaultDialect: dialect)).unsupportedKeywords
    }

    @Test(arguments: NotApplied.draft2020_12)
    func draft2020_12(keyword: String) throws {
        #expect(try Self.reported(keyword, .draft2020_12).map(\.keyword).contains(keyword))
    }

    @Test(arguments: NotApplied.draft4)
    func draft4(keyword: String) throws {
        #expect(try Self.reported(keyword, .draft4).map(\.keyword).contains(keyword))
    }

    @Test(arguments: NotApplied.openAPI30)
    func openAPI30(keyword: String) throws {
        #expect(try Self.reported(keyword, .openAPI30).map(\.keyword).contains(keyword))
    }

    @Test func appliedKeywordsAreNotReported() throws {
        let schema = try compile(#"{"type": "object", "properties": {"a": {"const": 1}}, "unevaluatedProperties": false, "$comment": "x"}"#)
        #expect(schema.unsupportedKeywords.isEmpty)
    }

    @Test func reportNamesThePlace() throws {
        let schema = try compile(#"{"properties": {"a": {"$recursiveAnchor": true}}}"#)
        let report = try #require(schema.unsupportedKeywords.first)
        #expect(report.schemaPath == "#/properties/a/$recursiveAnchor")
        #expect(report.description.contains("is not applied"))
    }
}
