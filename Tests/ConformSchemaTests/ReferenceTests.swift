import ConformJSON
import Foundation
import Testing
@testable import ConformSchema

@Suite struct ReferenceTests {
    @Test func pureRefCycleIsAnErrorNamingTheLoop() throws {
        let error = try #require(try compileError(#"""
        {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}
        """#))
        #expect(error.message.contains("circular reference"))
        #expect(error.message.contains("#/$defs/a → #/$defs/b"))
    }

    @Test func selfReferenceThroughNotIsACycle() throws {
        #expect(try compileError(##"{"not": {"$ref": "#"}}"##)?.message.contains("circular reference") == true)
        #expect(try compileError(##"{"properties": {"a": {"$ref": "#"}}, "anyOf": [{"type": "string"}, {"$ref": "#"}]}"##) != nil)
    }

    @Test func recursionThroughTheInstanceIsFine() throws {
        let tree = try compile(#"""
        {"type": "object", "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}},
         "required": ["value"]}
        """#)
        #expect(tree.isValid(["value": 1, "children": [["value": 2, "children": []], ["value": 3]]]))
        #expect(tree.validate(["value": 1, "children": [["value": "x"]]]).map(\.description)
                == [#"/children/0/value: expected integer, got string "x""#])
    }

    @Test func cycleAcrossFilesIsDetected() throws {
        let folder = try TempFolder([
            "a.json": #"{"$ref": "b.json"}"#,
            "b.json": #"{"allOf": [{"$ref": "a.json"}]}"#,
        ])
        defer { folder.remove() }
        #expect(throws: SchemaError.self) { try SchemaStore().schema(atPath: folder.path + "/a.json") }
    }

    @Test func unresolvablePointerNamesFileLineAndColumn() throws {
        let folder = try TempFolder(["schema.json": """
        {
          "type": "object",
          "properties": {
            "name": {"$ref": "#/$defs/missing"}
          }
        }
        """])
        defer { folder.remove() }
        let error = try #require(schemaError { _ = try SchemaStore().schema(atPath: folder.path + "/schema.json") })
        #expect(error.location?.line == 4)
        #expect(error.location?.column == 22)
        #expect(error.location?.file.hasSuffix("schema.json") == true)
        #expect(error.schemaPath == "#/properties/name/$ref")
        #expect(error.message.contains("/$defs/missing"))
        #expect(error.description.contains("schema.json:4:22: "))
    }

    @Test func missingFileAndUnknownAnchorAndRemoteURIAreErrors() throws {
        let folder = try TempFolder(["s.json": #"{"properties": {"a": {"$ref": "other.json"}}}"#,
                                     "t.json": ##"{"$ref": "#nowhere"}"##,
                                     "u.json": #"{"$ref": "https://example.com/schema.json"}"#])
        defer { folder.remove() }
        let store = SchemaStore()
        let missing = try #require(schemaError { _ = try store.schema(atPath: folder.path + "/s.json") })
        #expect(missing.message.contains("other.json") && missing.message.contains("does not exist"))
        #expect(missing.location?.line == 1)
        #expect(throws: SchemaError.self) { try store.schema(atPath: folder.path + "/t.json") }
        let remote = try #require(schemaError { _ = try store.schema(atPath: folder.path + "/u.json") })
        #expect(remote.message.contains("remote schemas are not fetched"))
    }

    @Test func yamlSchemaFilesAndRefsBetweenFiles() throws {
        let folder = try TempFolder([
            "schemas/token.yaml": """
            type: object
            required: [id]
            properties:
              id: {$ref: 'common.json#/$defs/id'}
            """,
            "schemas/common.json": #"{"$defs": {"id": {"type": "string", "minLength": 3}}}"#,
        ])
        defer { folder.remove() }
        let schema = try SchemaStore().schema(atPath: folder.path + "/schemas/token.yaml")
        #expect(schema.isValid(["id": "abc"]))
        let v = schema.validate(["id": "ab"])
        #expect(v.map(\.message) == [#""ab" has 2 characters, fewer than the minimum length 3"#])
        #expect(v.first?.schemaPath.hasSuffix("common.json#/$defs/id/minLength") == true)
    }

    @Test func invalidYAMLHasALocation() throws {
        let folder = try TempFolder(["bad.yaml": "type: object\nproperties:\n  a: [1, 2\n"])
        defer { folder.remove() }
        let error = try #require(schemaError { _ = try SchemaStore().schema(atPath: folder.path + "/bad.yaml") })
        #expect(error.message.hasPrefix("invalid YAML"))
        #expect(error.location?.file.hasSuffix("bad.yaml") == true)
        #expect((error.location?.line ?? 0) >= 3)
    }

    @Test func documentsAndCompiledSchemasAreCached() throws {
        let folder = try TempFolder(["s.json": #"{"type": "string"}"#])
        defer { folder.remove() }
        let store = SchemaStore()
        let a = try store.schema(atPath: folder.path + "/s.json")
        try "{\"type\": \"number\"}".write(toFile: folder.path + "/s.json", atomically: true, encoding: .utf8)
        let b = try store.schema(atPath: folder.path + "/s.json")
        #expect(a.program === b.program)
        #expect(b.isValid("text"))
    }

    @Test func draft4DialectFromSchemaKeyword() throws {
        let schema = try compile(#"{"$schema": "http://json-schema.org/draft-04/schema#", "minimum": 5, "exclusiveMinimum": true}"#)
        #expect(schema.dialect == .draft4)
        #expect(!schema.isValid(5))
        #expect(schema.isValid(6))
    }

    @Test func unsupportedDraftIsAClearError() throws {
        let error = try #require(try compileError(#"{"$schema": "http://json-schema.org/draft-07/schema#"}"#))
        #expect(error.message.contains("draft 7 schemas are not supported"))
    }

    @Test func knownButUnsupportedKeywordsAreReported() throws {
        let schema = try compile(##"{"$recursiveRef": "#", "dependencies": {"a": ["b"]}, "x-vendor": 1, "title": "t", "made-up": 1}"##)
        #expect(Set(schema.unsupportedKeywords.map(\.keyword)) == ["$recursiveRef", "dependencies"])
        #expect(schema.unsupportedKeywords.allSatisfy { $0.schemaPath.hasPrefix("#/") })
    }
}
