import ConformJSON

/// What the subschemas applied to one instance location evaluated (for `unevaluated*`).
struct Annotations {
    var properties: Set<String> = []
    var allProperties = false
    /// Items `0..<prefix` were evaluated (`prefixItems`).
    var prefix = 0
    var allItems = false
    /// Items matched by `contains`.
    var items: Set<Int> = []

    mutating func merge(_ o: Annotations) {
        if o.allProperties { allProperties = true } else if !o.properties.isEmpty { properties.formUnion(o.properties) }
        prefix = max(prefix, o.prefix)
        if o.allItems { allItems = true }
        if !o.items.isEmpty { items.formUnion(o.items) }
    }
}

enum PathToken {
    case key(String)
    case index(Int)

    var text: String {
        switch self {
        case .key(let k): k
        case .index(let i): String(i)
        }
    }
}

/// One validation run. Errors are collected only while `reporting`; probes (`anyOf` branches,
/// `not`, `if`, `contains`) switch it off and stop at the first failure.
struct Evaluator {
    let program: Program
    let nodes: [RunNode]
    var reporting: Bool
    var violations: [SchemaViolation] = []
    var maxViolations: Int
    var full = false
    var path: [PathToken] = []
    var depth = 0
    var explaining = 0
    /// Explanations re-evaluate a subschema; cap them so a deep, failing `anyOf` stays cheap.
    var explanationsLeft = 24
    /// Resources entered, outermost first (only kept when the schema uses `$dynamicRef`).
    var scope: [Int] = []

    init(program: Program, reporting: Bool) {
        self.program = program
        self.nodes = program.nodes
        self.reporting = reporting
        self.maxViolations = program.options.maxViolations
    }

    mutating func eval(_ n: Int, _ inst: JSON, _ ann: inout Annotations, collect: Bool) -> Bool {
        let node = nodes[n]
        switch node.kind {
        case .alwaysValid: return true
        case .alwaysInvalid:
            fail(node.path, "no value is allowed here (the schema is false), got \(describe(inst))")
            return false
        case .keywords: break
        }
        if node.nullable, case .null = inst { return true }
        guard depth < program.options.maxDepth else {
            let limit = program.options.maxDepth
            fail(node.path, "validation went deeper than \(limit) nested schemas; the value is nested too deeply")
            return false
        }
        depth += 1
        defer { depth -= 1 }
        let pushed = program.usesDynamicScope && scope.last != node.resource
        if pushed { scope.append(node.resource) }
        defer { if pushed { scope.removeLast() } }

        var wantAnnotations = false
        if collect || node.needsAnnotations {
            switch inst {
            case .object, .array: wantAnnotations = true
            default: break
            }
        }
        var local = Annotations()
        var valid = true
        for kw in node.keywords where !apply(kw, node, inst, &local, wantAnnotations) {
            valid = false
            if !reporting { break }
        }
        if collect && wantAnnotations { ann.merge(local) }
        return valid
    }

    // MARK: - Keywords

    /// Applies one keyword. Split by family so that each recursion step keeps a small stack frame
    /// (a single switch over every keyword needs a very large one in debug builds).
    private mutating func apply(_ kw: RunKeyword, _ node: RunNode, _ inst: JSON,
                                _ ann: inout Annotations, _ want: Bool) -> Bool {
        switch kw.keyword {
        case .ref(let target):
            return eval(target, inst, &ann, collect: want)
        case .prefixItems, .items, .contains, .unevaluatedItems:
            return applyArray(kw, node, inst, &ann, want)
        case .object, .propertyNames, .dependentSchemas, .unevaluatedProperties:
            return applyObject(kw, node, inst, &ann, want)
        case .allOf, .anyOf, .oneOf, .not, .conditional, .dynamicRef:
            return applyInPlace(kw, node, inst, &ann, want)
        default:
            return check(kw, inst)
        }
    }

    // MARK: - Helpers

    /// Evaluates a subschema against a member or item, with the instance path extended.
    mutating func child(_ schema: Int, _ value: JSON, _ token: PathToken) -> Bool {
        path.append(token)
        defer { path.removeLast() }
        var dummy = Annotations()
        return eval(schema, value, &dummy, collect: false)
    }

    /// `child` for the subschema of `additionalProperties`, `unevaluatedItems` or `unevaluatedProperties`:
    /// a `false` subschema reads better as "unexpected property "x" (additionalProperties is false)".
    mutating func member(_ schema: Int, _ value: JSON, _ token: PathToken, keyword: String,
                         at schemaPath: @autoclosure () -> String, what: @autoclosure () -> String) -> Bool {
        guard nodes[schema].kind == .alwaysInvalid else { return child(schema, value, token) }
        fail(schemaPath(), "unexpected \(what()) (\(keyword) is false)")
        return false
    }

    /// Whether `inst` is valid against `schema`, without reporting.
    mutating func probe(_ schema: Int, _ inst: JSON) -> Bool {
        let saved = reporting
        reporting = false
        defer { reporting = saved && !full }
        var dummy = Annotations()
        return eval(schema, inst, &dummy, collect: false)
    }

    mutating func fail(_ schemaPath: @autoclosure () -> String, _ message: @autoclosure () -> String) {
        guard reporting else { return }
        violations.append(SchemaViolation(instancePath: JSONPointer(tokens: path.map(\.text)),
                                          schemaPath: schemaPath(), message: message()))
        if violations.count >= maxViolations {
            full = true
            reporting = false
        }
    }

    /// The first reasons `inst` fails `schema`, as one line (for anyOf/oneOf/contains/propertyNames).
    mutating func explain(_ schema: Int, _ inst: JSON, token: PathToken?) -> String {
        guard reporting, explaining < 2, explanationsLeft > 0 else { return "…" }
        explanationsLeft -= 1
        let saved = (violations, reporting, full, maxViolations)
        violations = []
        reporting = true
        full = false
        maxViolations = 2
        explaining += 1
        if let token { path.append(token) }
        let here = JSONPointer(tokens: path.map(\.text))
        var dummy = Annotations()
        _ = eval(schema, inst, &dummy, collect: false)
        if token != nil { path.removeLast() }
        explaining -= 1
        let found = violations
        (violations, reporting, full, maxViolations) = saved
        let text = found.map { v in
            v.instancePath == here ? v.message : "at \(v.instancePath): \(v.message)"
        }.joined(separator: "; ")
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    mutating func alternatives(_ schemas: [Int], _ inst: JSON) -> String {
        guard reporting else { return "" }
        return schemas.prefix(4).enumerated().map { i, s in "[\(i)] \(explain(s, inst, token: nil))" }
            .joined(separator: "; ") + (schemas.count > 4 ? "; …" : "")
    }

    func firstDuplicate(_ a: [JSON]) -> (Int, Int)? {
        if a.count <= 16 {
            for j in 1..<a.count {
                for i in 0..<j where StrictJSON.equal(a[i], a[j]) { return (i, j) }
            }
            return nil
        }
        var seen: [StrictJSON: Int] = [:]
        for (j, item) in a.enumerated() {
            if let i = seen[StrictJSON(item)] { return (i, j) }
            seen[StrictJSON(item)] = j
        }
        return nil
    }
}
