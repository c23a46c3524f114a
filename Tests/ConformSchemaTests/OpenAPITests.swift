import ConformJSON
import Foundation
import Testing
@testable import ConformSchema

@Suite struct OpenAPITests {
    static let openAPI = """
    openapi: 3.0.3
    info: {title: fixture, version: "1"}
    paths: {}
    components:
      schemas:
        Token:
          type: object
          required: [id, name]
          properties:
            id: {type: string, format: uuid}
            name:
              type: string
              pattern: '^[a-z0-9-]+$'
            expiryDate:
              type: string
              format: date-time
              nullable: true
            scopes:
              type: array
              items:
                $ref: '#/components/schemas/Scope'
            owner:
              nullable: true
              allOf:
                - $ref: '#/components/schemas/Owner'
          additionalProperties: false
          x-internal: true
          description: An access token.
          example: {id: "1", name: "ci"}
          discriminator: {propertyName: name}
          externalDocs: {url: "https://example.com"}
        Scope:
          type: string
          enum: [read, write]
        Owner:
          type: object
          required: [login]
          properties:
            login: {type: string, readOnly: true}
            secret: {type: string, writeOnly: true, deprecated: true}
          xml: {name: owner}
        Legacy:
          $ref: '#/components/schemas/Scope'
          nullable: true
          description: siblings of $ref are ignored in OpenAPI 3.0
    """

    @Test func nullableAcceptsNullAndKeepsOtherTypesOut() throws {
        let folder = try TempFolder(["openapi.yaml": Self.openAPI])
        defer { folder.remove() }
        let store = SchemaStore()
        let token = try store.schema(atPath: folder.path + "/openapi.yaml", fragment: "/components/schemas/Token")
        #expect(token.dialect == .openAPI30)
        #expect(token.isValid(["id": "1", "name": "ci", "expiryDate": nil, "owner": nil]))
        #expect(token.isValid(["id": "1", "name": "ci", "expiryDate": "2024-01-01T00:00:00Z", "owner": ["login": "me"]]))
        let violations = token.validate(["id": "1", "name": "ci", "expiryDate": 12])
        #expect(violations.map(\.description) == ["/expiryDate: expected string or null, got number 12"])
        // null is not allowed where nullable is absent.
        #expect(token.validate(["id": nil, "name": "ci"]).map(\.description) == ["/id: expected string, got null"])
    }

    @Test func yamlDocumentReferencesResolveInsideTheDocument() throws {
        let folder = try TempFolder([
            "api/openapi.yaml": Self.openAPI,
            "scenarios/token.json": #"{"$ref": "../api/openapi.yaml#/components/schemas/Token"}"#,
        ])
        defer { folder.remove() }
        let store = SchemaStore()
        // Inline in a scenario: refs resolve from the scenario file's folder.
        let inline = try store.schema(["$ref": "../api/openapi.yaml#/components/schemas/Token"],
                                      baseFile: folder.path + "/scenarios/scenario.yaml")
        let fromFile = try store.schema(atPath: folder.path + "/scenarios/token.json")
        for schema in [inline, fromFile] {
            #expect(schema.isValid(["id": "1", "name": "ci", "scopes": ["read", "write"]]))
            let v = schema.validate(["id": "1", "name": "ci", "scopes": ["admin"]])
            #expect(v.count == 1)
            #expect(v.first?.instancePath.description == "/scopes/0")
            #expect(v.first?.message == #""admin" is not one of the allowed values: "read", "write""#)
            // The schema path names the document the failing keyword is in.
            #expect(v.first?.schemaPath.hasSuffix("openapi.yaml#/components/schemas/Scope/enum") == true)
        }
    }

    @Test func refSiblingsAreIgnoredAndReported() throws {
        let folder = try TempFolder(["openapi.yaml": Self.openAPI])
        defer { folder.remove() }
        let legacy = try SchemaStore().schema(atPath: folder.path + "/openapi.yaml", fragment: "/components/schemas/Legacy")
        #expect(!legacy.isValid(nil))  // nullable beside $ref has no effect in OpenAPI 3.0
        #expect(legacy.isValid("read"))
        let reported = legacy.unsupportedKeywords.map(\.keyword)
        #expect(reported == ["nullable"])
        let line = Self.openAPI.split(separator: "\n").lastIndex { $0.contains("nullable: true") }.map { $0 + 1 }
        #expect(legacy.unsupportedKeywords.first?.location?.line == line)
    }

    @Test func annotationsAndExtensionsAreSilent() throws {
        let folder = try TempFolder(["openapi.yaml": Self.openAPI])
        defer { folder.remove() }
        let token = try SchemaStore().schema(atPath: folder.path + "/openapi.yaml", fragment: "/components/schemas/Token")
        #expect(token.unsupportedKeywords.isEmpty)
    }

    @Test func nullableOutsideOpenAPIIsReported() throws {
        let schema = try compile(#"{"type": "string", "nullable": true}"#)
        #expect(!schema.isValid(nil))
        #expect(schema.unsupportedKeywords.map(\.keyword) == ["nullable"])
        #expect(schema.unsupportedKeywords.first?.reason.contains("OpenAPI 3.0") == true)
    }

    @Test func openAPIDialectCanBeTheDefault() throws {
        let schema = try compile(#"{"type": "integer", "nullable": true, "minimum": 1, "exclusiveMinimum": true}"#,
                                 SchemaOptions(defaultDialect: .openAPI30))
        #expect(schema.isValid(nil))
        #expect(schema.isValid(2))
        #expect(schema.validate(1).map(\.message) == ["1 is not greater than the exclusive minimum 1"])
    }

    @Test func booleanRequiredOnAPropertyIsReportedNotFatal() throws {
        let schema = try compile(#"{"type": "object", "properties": {"a": {"type": "string", "required": true}}}"#,
                                 SchemaOptions(defaultDialect: .openAPI30))
        #expect(schema.isValid([:]))
        #expect(schema.unsupportedKeywords.map(\.schemaPath) == ["#/properties/a/required"])
    }

    @Test func openAPI31DocumentsUse2020_12() throws {
        let folder = try TempFolder(["api.yaml": """
        openapi: 3.1.0
        components:
          schemas:
            Token:
              $id: https://example.com/token
              type: object
              properties:
                expiry: {type: [string, "null"]}
                owner: {$ref: '#/$defs/owner'}
              $defs:
                owner: {type: string, const: me}
        """])
        defer { folder.remove() }
        let token = try SchemaStore().schema(atPath: folder.path + "/api.yaml", fragment: "/components/schemas/Token")
        #expect(token.dialect == .draft2020_12)
        #expect(token.isValid(["expiry": nil, "owner": "me"]))
        #expect(token.validate(["owner": "you"]).map(\.description) == [#"/owner: expected "me", got "you""#])
    }

    @Test func inlineSchemaWithoutAFileResolvesFromTheWorkingDirectory() throws {
        let folder = try TempFolder(["s.json": #"{"type": "integer"}"#])
        defer { folder.remove() }
        let cwd = FileManager.default.currentDirectoryPath
        // Relative to the working directory: use a path relative to the current one.
        let relative = String(repeating: "../", count: cwd.split(separator: "/").count) + folder.path.dropFirst() + "/s.json"
        let schema = try JSONSchema(["$ref": .string(relative)])
        #expect(schema.isValid(3))
        #expect(!schema.isValid("3"))
    }
}
