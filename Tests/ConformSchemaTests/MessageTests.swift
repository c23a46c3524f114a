import ConformJSON
import Testing
@testable import ConformSchema

@Suite struct MessageTests {
    static let token = #"""
    {
      "type": "object",
      "required": ["name", "scopes"],
      "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 8},
        "expiryDate": {"type": ["string", "null"]},
        "scopes": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": ["read", "write"]}},
        "count": {"type": "integer", "minimum": 0, "multipleOf": 5}
      },
      "additionalProperties": false
    }
    """#

    @Test func messagesSayWhatIsWrongAndWhere() throws {
        let schema = try compile(Self.token)
        let v = schema.validate(["name": "Abc!", "expiryDate": 12, "scopes": ["read", "read"], "count": 7, "extra": true])
        #expect(v.map(\.description) == [
            #"/name: "Abc!" does not match pattern ^[a-z0-9-]+$"#,
            "/expiryDate: expected string or null, got number 12",
            #"/scopes: items 0 and 1 are equal ("read"), but items must be unique"#,
            "/count: 7 is not a multiple of 5",
            #"(root): unexpected property "extra" (additionalProperties is false)"#,
        ])
        #expect(v.map(\.schemaPath) == [
            "#/properties/name/pattern", "#/properties/expiryDate/type", "#/properties/scopes/uniqueItems",
            "#/properties/count/multipleOf", "#/additionalProperties",
        ])
    }

    @Test func missingRequiredPropertiesAreNamed() throws {
        let v = try compile(Self.token).validate([:])
        #expect(v.map(\.message) == [#"missing required property "name""#, #"missing required property "scopes""#])
        #expect(v.allSatisfy { $0.instancePath == .root && $0.schemaPath == "#/required" })
    }

    @Test func alternativesExplainWhyEachFailed() throws {
        let schema = try compile(#"{"anyOf": [{"type": "string"}, {"type": "object", "required": ["id"]}]}"#)
        let v = schema.validate(["name": 1])
        #expect(v.count == 1)
        #expect(v.first?.message == #"object {"name":1} does not match any of the 2 alternatives in anyOf: "#
                + #"[0] expected string, got object {"name":1}; [1] missing required property "id""#)
        let one = try compile(#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#)
        #expect(one.validate(3).first?.message == "number 3 matches more than one alternative in oneOf (0 and 1), but must match exactly one")
    }

    @Test func outputIsBounded() throws {
        let schema = try compile(#"{"items": {"type": "string"}}"#, SchemaOptions(maxViolations: 5))
        let instance = JSON.array((0..<100).map { .number(Double($0)) })
        #expect(schema.validate(instance).count == 5)
        #expect(try compile(#"{"items": {"type": "string"}}"#).validate(instance).count == 20)
    }

    @Test func longValuesAreShortened() throws {
        let long = String(repeating: "x", count: 500)
        let message = try compile(#"{"maxLength": 3}"#).validate(.string(long)).first?.message ?? ""
        #expect(message.count < 120)
        #expect(message.hasSuffix("has 500 characters, more than the maximum length 3"))
    }

    @Test func lengthsCountCodePoints() throws {
        let schema = try compile(#"{"minLength": 2, "maxLength": 2}"#)
        #expect(schema.isValid("😀😀"))         // 2 code points, 8 UTF-8 bytes
        #expect(schema.isValid("e\u{301}"))     // 1 grapheme, 2 code points
        #expect(!schema.isValid("é"))           // 1 code point
    }

    @Test func isValidAgreesWithValidate() throws {
        let schema = try compile(Self.token)
        let samples: [JSON] = [["name": "ok", "scopes": ["read"]], ["name": "ok"], "text", ["name": "ok", "scopes": []], nil]
        for sample in samples {
            #expect(schema.isValid(sample) == schema.validate(sample).isEmpty)
        }
    }

    @Test func formatIsAnAnnotationUnlessAsserted() throws {
        let text = #"""
        {"properties": {"when": {"format": "date-time"}, "id": {"format": "uuid"}, "n": {"format": "int32"},
                        "h": {"format": "hostname"}}}
        """#
        let bad: JSON = ["when": "yesterday", "id": "42", "n": 3_000_000_000]
        #expect(try compile(text).isValid(bad))
        let asserting = try compile(text, SchemaOptions(assertFormats: true))
        #expect(asserting.validate(bad).map(\.description) == [
            #"/when: "yesterday" is not a valid date-time"#, #"/id: "42" is not a valid uuid"#,
            "/n: 3000000000 is not a valid int32",
        ])
        #expect(asserting.isValid(["when": "2024-02-29T12:00:00Z", "id": "123e4567-e89b-12d3-a456-426614174000", "n": 7]))
        // A format that cannot be asserted is reported, not silently skipped.
        #expect(asserting.unsupportedKeywords.map(\.schemaPath) == ["#/properties/h/format"])
    }
}
