import ConformJSON
import Testing
@testable import ConformSchema

@Suite struct RobustnessTests {
    /// An array nested `depth` levels deep, built without recursion.
    static func nested(_ depth: Int) -> JSON {
        var value: JSON = 1
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    @Test func deeplyNestedInstanceGivesAViolationNotACrash() throws {
        let schema = try compile(##"{"type": ["array", "integer"], "items": {"$ref": "#"}}"##)
        let deep = Self.nested(5_000)
        let v = schema.validate(deep)
        #expect(v.count == 1)
        #expect(v.first?.message.contains("nested too deeply") == true)
        #expect(!schema.isValid(deep))
        #expect(schema.isValid(Self.nested(50)))
    }

    @Test func deeplyNestedSchemaIsAnErrorNotACrash() throws {
        var schema: JSON = ["type": "integer"]
        for _ in 0..<2_000 { schema = ["items": schema] }
        let error = schemaError { _ = try JSONSchema(schema) }
        #expect(error?.message.contains("levels deep") == true)
        var fine: JSON = ["type": "integer"]
        for _ in 0..<390 { fine = ["items": fine] }
        #expect(try JSONSchema(fine).isValid(Self.nested(390)))
    }

    @Test func deepInstanceAgainstFlatSchemasIsFine() throws {
        let deep = Self.nested(5_000)
        #expect(try compile(#"{"type": "array", "maxItems": 1, "uniqueItems": true}"#).isValid(deep))
        #expect(try compile(#"{"not": {"const": 1}}"#).isValid(deep))
    }

    @Test func dynamicRefLoopsAreBoundedAtValidationTime() throws {
        // Not detectable at compile time: the target depends on the dynamic scope.
        let schema = try compile(#"""
        {"$id": "http://example.com/root", "$dynamicAnchor": "node", "allOf": [{"$ref": "inner"}],
         "$defs": {"inner": {"$id": "inner", "$dynamicRef": "#node",
                             "$defs": {"leaf": {"$dynamicAnchor": "node", "type": "integer"}}}}}
        """#)
        let v = schema.validate(1)
        #expect(v.first?.message.contains("nested too deeply") == true)
    }

    @Test func oneCompiledSchemaValidatesFromManyTasks() async throws {
        let schema = try compile(MessageTests.token)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let name: JSON = .string(i.isMultiple(of: 2) ? "ok-\(i)" : "Bad \(i)")
                    let body: JSON = ["name": name, "scopes": ["read"]]
                    return schema.isValid(body) == i.isMultiple(of: 2) && schema.validate(body).isEmpty == i.isMultiple(of: 2)
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }

    @Test func yamlAliasBombIsRefused() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...8 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let folder = try TempFolder(["bomb.yaml": yaml])
        defer { folder.remove() }
        let error = schemaError { _ = try SchemaStore().document(atPath: folder.path + "/bomb.yaml") }
        #expect(error?.message.contains("alias bomb") == true)
    }
}
