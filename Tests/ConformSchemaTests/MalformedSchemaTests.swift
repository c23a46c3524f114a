import ConformJSON
import Foundation
import Testing
@testable import ConformSchema

@Suite struct MalformedSchemaTests {
    @Test(arguments: [
        (#"{"type": 5}"#, "#/type", "type must be a type name"),
        (#"{"type": "text"}"#, "#/type", "unknown type \"text\""),
        (#"{"properties": {"a": {"minLength": -1}}}"#, "#/properties/a/minLength", "must be a non-negative integer"),
        (#"{"maxItems": 1.5}"#, "#/maxItems", "must be a non-negative integer"),
        (#"{"pattern": "("}"#, "#/pattern", "invalid or unsupported regular expression /(/"),
        (#"{"pattern": "(?<=a)b"}"#, "#/pattern", "lookbehind"),
        (#"{"required": "name"}"#, "#/required", "expected an array of property names"),
        (#"{"properties": []}"#, "#/properties", "properties must be an object"),
        (#"{"allOf": []}"#, "#/allOf", "non-empty array of schemas"),
        (#"{"items": [{"type": "string"}]}"#, "#/items", "spelled prefixItems"),
        (#"{"not": 3}"#, "#/not", "a schema must be an object or a boolean, got integer 3"),
        (#"{"multipleOf": 0}"#, "#/multipleOf", "greater than 0"),
        (#"{"$ref": 7}"#, "#/$ref", "$ref must be a string"),
        (#"{"$id": "http://x/y#frag"}"#, "#/$id", "must not contain a fragment"),
        (#"{"$anchor": "1bad"}"#, "#/$anchor", "plain name"),
    ])
    func malformedKeywordIsAnErrorAtItsPlace(schema: String, path: String, message: String) throws {
        let error = try #require(try compileError(schema), "expected \(schema) to be rejected")
        #expect(error.schemaPath == path)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func draft4BooleanExclusiveBoundsMustBeBooleans() throws {
        let error = try compileError(#"{"minimum": 1, "exclusiveMinimum": 1}"#, SchemaOptions(defaultDialect: .draft4))
        #expect(error?.message.contains("must be true or false in draft 4") == true)
    }

    @Test func malformedKeywordInAFileHasFileLineColumn() throws {
        let folder = try TempFolder(["s.json": "{\n  \"properties\": {\n    \"a\": {\"type\": 5}\n  }\n}\n"])
        defer { folder.remove() }
        let error = try #require(schemaError { _ = try SchemaStore().schema(atPath: folder.path + "/s.json") })
        #expect(error.location?.line == 3)
        #expect(error.location?.column == 19)
        #expect(error.description.hasPrefix(error.location!.description + ": type must be"))
        #expect(error.diagnostic(fallback: SourceLocation(file: "x", line: 1, column: 1)).location == error.location)
    }

    @Test func customMetaschemaRequiringAnUnknownVocabularyIsRejected() throws {
        let folder = try TempFolder(["meta.json": #"""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "http://localhost:1234/meta.json",
         "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true, "https://example.com/vocab/magic": true}}
        """#])
        defer { folder.remove() }
        let store = SchemaStore(remoteDirectories: ["http://localhost:1234/": folder.path])
        let error = schemaError { _ = try store.schema(["$schema": "http://localhost:1234/meta.json"]) }
        #expect(error?.message.contains("https://example.com/vocab/magic") == true)
    }
}
