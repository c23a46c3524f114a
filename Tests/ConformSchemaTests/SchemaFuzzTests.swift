import ConformJSON
import ConformTestSupport
import Foundation
import Testing
@testable import ConformSchema

/// Random schemas and instances, and mutated real schema files: compiling never crashes (it
/// succeeds or throws a `SchemaError`), validating always terminates, and the validator agrees
/// with itself (`isValid` = no violations; `not`, `allOf`, `anyOf` wrappers behave as logic says).
@Suite struct SchemaFuzzTests {
    // MARK: Generators

    static let types = ["null", "boolean", "integer", "number", "string", "array", "object"]
    static let keys = ["a", "b", "c", "ab"]
    static let strings = ["", "a", "ab", "abc", "aaaa", "2020-01-01T00:00:00Z", "x@y.z", "ünï", "12", "a\\nb"]

    /// A random JSON value as text, at most `depth` deep.
    static func value(_ g: inout SplitMix64, depth: Int) -> String {
        switch g.below(depth > 0 ? 9 : 6) {
        case 0: return "null"
        case 1: return g.chance(50) ? "true" : "false"
        case 2: return String(g.below(20) - 5)
        case 3: return g.pick(["0.5", "-1.25", "1e3", "2.0", "1e-7", "-0"])
        case 4, 5: return "\"" + g.pick(strings) + "\""
        case 6, 7:
            return "[" + (0..<g.below(4)).map { _ in value(&g, depth: depth - 1) }.joined(separator: ", ") + "]"
        default:
            let chosen = keys.shuffled(using: &g).prefix(g.below(4))
            return "{" + chosen.map { "\"\($0)\": " + value(&g, depth: depth - 1) }.joined(separator: ", ") + "}"
        }
    }

    static let keywords = ["type", "properties", "required", "items", "prefixItems", "contains", "minContains",
                           "additionalProperties", "patternProperties", "propertyNames", "enum", "const",
                           "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
                           "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
                           "pattern", "uniqueItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                           "dependentRequired", "dependentSchemas", "format", "unevaluatedProperties", "unevaluatedItems",
                           "title", "nullable"]

    /// A random schema as text. `refs`: may use `$ref` to `#` and to `#/$defs/dN` (N ≤ `defs`, one past the end on purpose).
    static func schema(_ g: inout SplitMix64, depth: Int, refs: Bool, defs: Int) -> String {
        if depth <= 0 || g.chance(12) {
            return g.pick(["true", "false", "{}", #"{"type": "string"}"#, #"{"type": "integer"}"#, #"{"minimum": 2}"#,
                           #"{"type": ["array", "null"]}"#])
        }
        let names = (refs ? keywords + ["$ref"] : keywords).shuffled(using: &g).prefix(1 + g.below(4))
        let members = names.map { name in "\"\(name)\": " + keywordValue(name, &g, depth: depth, refs: refs, defs: defs) }
        return "{" + members.joined(separator: ", ") + "}"
    }

    static func keywordValue(_ name: String, _ g: inout SplitMix64, depth: Int, refs: Bool, defs: Int) -> String {
        func sub(_ g: inout SplitMix64) -> String { schema(&g, depth: depth - 1, refs: refs, defs: defs) }
        func subs(_ g: inout SplitMix64) -> String {
            "[" + (0..<(1 + g.below(3))).map { _ in sub(&g) }.joined(separator: ", ") + "]"
        }
        func number(_ g: inout SplitMix64) -> String { g.chance(90) ? String(g.below(6)) : g.pick(["-1", "1.5", "\"3\"", "null"]) }
        switch name {
        case "type": return g.chance(80) ? "\"\(g.pick(types))\"" : g.pick([#"["string", "integer"]"#, "[]", "5", #""nope""#])
        case "properties":
            return "{" + keys.shuffled(using: &g).prefix(1 + g.below(3)).map { "\"\($0)\": " + sub(&g) }.joined(separator: ", ") + "}"
        case "required": return g.chance(90) ? "[" + keys.prefix(g.below(3)).map { "\"\($0)\"" }.joined(separator: ", ") + "]" : "[1]"
        case "items", "contains", "additionalProperties", "propertyNames", "not", "if", "then", "else",
             "unevaluatedProperties", "unevaluatedItems":
            return sub(&g)
        case "prefixItems", "allOf", "anyOf", "oneOf": return subs(&g)
        case "patternProperties": return "{\"^a\": " + sub(&g) + "}"
        case "dependentSchemas": return "{\"a\": " + sub(&g) + "}"
        case "dependentRequired": return #"{"a": ["b"]}"#
        case "enum": return "[" + (0..<(1 + g.below(3))).map { _ in value(&g, depth: 2) }.joined(separator: ", ") + "]"
        case "const": return value(&g, depth: 2)
        case "multipleOf": return g.pick(["1", "2", "0.5", "3", "0", "-2"])
        case "pattern": return "\"" + g.pick(["^a", "b+", "^[a-c]*$", "\\\\d", "(", "[a-", "^$", "(?i)A"]) + "\""
        case "uniqueItems": return g.chance(50) ? "true" : "false"
        case "format": return "\"" + g.pick(["email", "date-time", "uuid", "ipv4", "no-such-format"]) + "\""
        case "title": return #""fuzz""#
        case "nullable": return "true"
        case "$ref": return defs > 0 && g.chance(80) ? "\"#/$defs/d\(g.below(defs + 1))\"" : "\"#\""
        default: return number(&g)  // minimum, maxLength, minContains, …
        }
    }

    static func parse(_ text: String) throws -> JSON { try JSONParser.parse(text).root }

    /// Checks the validator's self-consistency for one compiled schema on `instances`.
    static func checkConsistency(_ schema: JSONSchema, _ instances: [JSON], label: String) {
        for x in instances {
            let violations = schema.validate(x)
            #expect(schema.isValid(x) == violations.isEmpty, "\(label): isValid disagrees with validate on \(x.serialized())")
            #expect(schema.validate(x) == violations, "\(label): validation is not deterministic")
            #expect(violations.allSatisfy { !$0.message.isEmpty }, "\(label)")
        }
    }

    // MARK: Tests

    @Test func randomSchemasCompileOrFailCleanlyAndLogicHolds() async throws {
        var g = SplitMix64(seed: 0x5C4E_3A)
        var compiled = 0, refused = 0
        let started = ContinuousClock.now
        for i in 0..<1500 {
            if i % 20 == 0 { await Task.yield() }  // CPU-bound: let other tests run too
            let text = Self.schema(&g, depth: 1 + g.below(4), refs: false, defs: 0)
            let instances = try (0..<8).map { _ in try Self.parse(Self.value(&g, depth: 3)) }
            let label = "case \(i): \(text)"
            let json = try Self.parse(text)
            let schema: JSONSchema
            do { schema = try JSONSchema(json) } catch {
                refused += 1
                #expect(!error.message.isEmpty, "\(label)")
                // A wrapper around a schema that cannot compile cannot compile either.
                #expect(throws: SchemaError.self, "\(label)") { _ = try JSONSchema(try Self.parse(#"{"not": "# + text + "}")) }
                continue
            }
            compiled += 1
            Self.checkConsistency(schema, instances, label: label)
            // Logic: not S is the negation of S; allOf [S] and anyOf [S, false] are S.
            let negated = try JSONSchema(try Self.parse(#"{"not": "# + text + "}"))
            let all = try JSONSchema(try Self.parse(#"{"allOf": ["# + text + "]}"))
            let any = try JSONSchema(try Self.parse(#"{"anyOf": ["# + text + ", false]}"))
            for x in instances {
                let valid = schema.isValid(x)
                #expect(negated.isValid(x) == !valid, "\(label): not, on \(x.serialized())")
                #expect(all.isValid(x) == valid, "\(label): allOf, on \(x.serialized())")
                #expect(any.isValid(x) == valid, "\(label): anyOf, on \(x.serialized())")
            }
        }
        #expect(compiled > 500 && refused > 20, "compiled \(compiled), refused \(refused)")
        #expect(ContinuousClock.now - started < .seconds(90))  // ~2 s alone; generous for a loaded CI machine
    }

    @Test func randomRecursiveSchemasTerminate() async throws {
        var g = SplitMix64(seed: 0x00DE_F5)
        var compiled = 0
        for i in 0..<600 {
            if i % 20 == 0 { await Task.yield() }  // CPU-bound: let other tests run too
            let defs = g.below(4)
            let defsText = (0..<defs).map { "\"d\($0)\": " + Self.schema(&g, depth: 2, refs: true, defs: defs) }.joined(separator: ", ")
            var text = Self.schema(&g, depth: 1 + g.below(3), refs: true, defs: defs)
            if defs > 0 { text = "{\"$defs\": {\(defsText)}, \"allOf\": [\(text)]}" }
            let label = "case \(i): \(text)"
            do {
                let schema = try JSONSchema(try Self.parse(text))
                compiled += 1
                let instances = try (0..<6).map { _ in try Self.parse(Self.value(&g, depth: 4)) }
                Self.checkConsistency(schema, instances, label: label)
            } catch let error as SchemaError {
                #expect(!error.message.isEmpty, "\(label)")
            }
        }
        #expect(compiled > 100, "compiled \(compiled)")
    }

    /// `$defs` whose `$ref`s form a random graph. The compiler must refuse exactly the graphs with
    /// a cycle of in-place references (`$ref`, `allOf`, `not`), and accept cycles that pass through
    /// `properties` (they move into the instance, so they end).
    @Test func refGraphsAreRefusedExactlyWhenTheyLoopInPlace() async throws {
        var g = SplitMix64(seed: 0xA11CE)
        var cyclic = 0, acyclic = 0
        for i in 0..<800 {
            if i % 20 == 0 { await Task.yield() }  // CPU-bound: let other tests run too
            let n = 1 + g.below(5)
            var inPlace = [[Int]](repeating: [], count: n)
            var defs: [String] = []
            for d in 0..<n {
                var parts: [String] = []
                for _ in 0..<g.below(3) {
                    let t = g.below(n)
                    switch g.below(4) {
                    case 0: parts.append("{\"$ref\": \"#/$defs/d\(t)\"}"); inPlace[d].append(t)
                    case 1: parts.append("{\"not\": {\"not\": {\"$ref\": \"#/$defs/d\(t)\"}}}"); inPlace[d].append(t)
                    case 2: parts.append("{\"properties\": {\"a\": {\"$ref\": \"#/$defs/d\(t)\"}}}")
                    default: parts.append("{\"items\": {\"$ref\": \"#/$defs/d\(t)\"}}")
                    }
                }
                defs.append("\"d\(d)\": " + (parts.isEmpty ? #"{"type": "integer"}"# : "{\"allOf\": [" + parts.joined(separator: ", ") + "]}"))
            }
            // The root applies every definition, so every one of them is reachable.
            let all = (0..<n).map { "{\"$ref\": \"#/$defs/d\($0)\"}" }.joined(separator: ", ")
            let text = "{\"$defs\": {\(defs.joined(separator: ", "))}, \"anyOf\": [\(all)]}"
            let hasCycle = Self.hasCycle(inPlace)
            do {
                let schema = try JSONSchema(try Self.parse(text))
                #expect(!hasCycle, "case \(i): an in-place cycle compiled: \(text)")
                acyclic += 1
                let instances = try (0..<6).map { _ in try Self.parse(Self.value(&g, depth: 4)) }
                Self.checkConsistency(schema, instances, label: "case \(i)")
            } catch let error as SchemaError {
                #expect(hasCycle, "case \(i): refused without an in-place cycle: \(error) \(text)")
                #expect(error.message.contains("circular reference"), "case \(i): \(error)")
                cyclic += 1
            }
        }
        #expect(cyclic > 50 && acyclic > 50, "cyclic \(cyclic), acyclic \(acyclic)")
    }

    /// Independent cycle check (DFS colours) over the in-place edges.
    static func hasCycle(_ edges: [[Int]]) -> Bool {
        var colour = [Int](repeating: 0, count: edges.count)
        func visit(_ v: Int) -> Bool {
            colour[v] = 1
            for w in edges[v] {
                if colour[w] == 1 { return true }
                if colour[w] == 0, visit(w) { return true }
            }
            colour[v] = 2
            return false
        }
        return edges.indices.contains { colour[$0] == 0 && visit($0) }
    }

    /// The conformance suites' schema files, mutated byte by byte and loaded from disk (with their
    /// sibling files, so `$ref`s between them resolve). Errors that name a place name a real one.
    @Test func mutatedSchemaFilesLoadOrFailAtARealPlace() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("conform-schema-fuzz-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        var files: [(dir: String, name: String, bytes: [UInt8])] = []
        for api in ["dockerhub", "ionos", "xms"] {
            let source = root.appendingPathComponent("scenarios/\(api)/schemas").path
            let dir = temp + "/" + api
            try FileManager.default.copyItem(atPath: source, toPath: dir)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".json") {
                files.append((dir, name, [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))))
            }
        }
        #expect(files.count > 10)
        var g = SplitMix64(seed: 0xF11E5)
        var compiled = 0, refused = 0
        let started = ContinuousClock.now
        for i in 0..<800 {
            if i % 20 == 0 { await Task.yield() }  // CPU-bound: let other tests run too
            let (dir, name, original) = files[g.below(files.count)]
            var b = original
            for _ in 0..<(1 + g.below(3)) {
                guard !b.isEmpty else { break }
                switch g.below(5) {
                case 0: b[g.below(b.count)] ^= UInt8(1 << g.below(8))
                case 1: b = Array(b.prefix(g.below(b.count)))
                case 2: b.insert(contentsOf: Array(g.pick(["{", "}", "[", "]", ",", ":", "\"", "\"$ref\": \"#\", ", "\"type\": 5, "]).utf8),
                                 at: g.below(b.count + 1))
                case 3: b.insert(contentsOf: Array(g.pick([##""$ref": "#/nowhere", "##, ##""$ref": "\##(name)", "##,
                                                           ##""items": {"$ref": "#"}, "##, ##""allOf": [{"$ref": "#"}], "##]).utf8),
                                 at: (b.firstIndex(of: UInt8(ascii: "{")) ?? 0) + 1)
                default: b.removeSubrange(g.below(b.count)..<b.count)
                }
            }
            let path = dir + "/" + name
            try Data(b).write(to: URL(fileURLWithPath: path))
            defer { try? Data(original).write(to: URL(fileURLWithPath: path)) }
            let instances = try (0..<5).map { _ in try Self.parse(Self.value(&g, depth: 4)) }
            do {
                let schema = try SchemaStore().schema(atPath: path)
                compiled += 1
                Self.checkConsistency(schema, instances, label: "case \(i) \(name)")
            } catch {
                refused += 1
                #expect(!error.message.isEmpty)
                if let location = error.location {
                    let named = location.file == path || location.file.hasSuffix("/" + name) ? b
                        : [UInt8](FileManager.default.contents(atPath: location.file) ?? Data())
                    let problem = sourcePlaceProblem(line: location.line, column: location.column, in: named)
                    #expect(problem == nil, "case \(i) \(name): \(error): \(problem ?? "")")
                }
            }
        }
        #expect(compiled > 50 && refused > 200, "compiled \(compiled), refused \(refused)")
        #expect(ContinuousClock.now - started < .seconds(90))  // ~2 s alone; generous for a loaded CI machine
    }
}
