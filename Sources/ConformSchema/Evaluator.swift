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

private enum PathToken {
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
    private var maxViolations: Int
    private var full = false
    private var path: [PathToken] = []
    private var depth = 0
    private var explaining = 0
    /// Resources entered, outermost first (only kept when the schema uses `$dynamicRef`).
    private var scope: [Int] = []

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

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func apply(_ kw: RunKeyword, _ node: RunNode, _ inst: JSON,
                                _ ann: inout Annotations, _ want: Bool) -> Bool {
        let at = kw.path
        switch kw.keyword {
        case .type(let mask):
            if mask.admits(inst) { return true }
            fail(at, "expected \(mask.text), got \(describe(inst))")
            return false

        case .enumeration(let values):
            if values.contains(where: { StrictJSON.equal($0, inst) }) { return true }
            let shown = values.prefix(8).map { preview($0, limit: 40) }.joined(separator: ", ")
            fail(at, "\(preview(inst)) is not one of the allowed values: \(shown)\(values.count > 8 ? ", …" : "")")
            return false

        case .constant(let c):
            if StrictJSON.equal(inst, c) { return true }
            fail(at, "expected \(preview(c)), got \(preview(inst))")
            return false

        case .multipleOf(let m):
            guard case .number(let x) = inst else { return true }
            let q = x / m
            if q.isFinite ? q.rounded(.towardZero) == q : x.truncatingRemainder(dividingBy: m) == 0 { return true }
            fail(at, "\(preview(inst)) is not a multiple of \(JSON.format(number: m))")
            return false

        case .minimum(let bound, let exclusive):
            guard case .number(let x) = inst else { return true }
            if x > bound || (!exclusive && x == bound) { return true }
            fail(at, exclusive ? "\(preview(inst)) is not greater than the exclusive minimum \(JSON.format(number: bound))"
                                 : "\(preview(inst)) is less than the minimum \(JSON.format(number: bound))")
            return false

        case .maximum(let bound, let exclusive):
            guard case .number(let x) = inst else { return true }
            if x < bound || (!exclusive && x == bound) { return true }
            fail(at, exclusive ? "\(preview(inst)) is not less than the exclusive maximum \(JSON.format(number: bound))"
                                 : "\(preview(inst)) is greater than the maximum \(JSON.format(number: bound))")
            return false

        case .minLength(let n):
            guard case .string(let s) = inst, s.utf8.count < n || s.unicodeScalars.count < n else { return true }
            let c = s.unicodeScalars.count
            if c >= n { return true }
            fail(at, "\(preview(inst)) has \(c) character\(c == 1 ? "" : "s"), fewer than the minimum length \(n)")
            return false

        case .maxLength(let n):
            guard case .string(let s) = inst, s.utf8.count > n else { return true }
            let c = s.unicodeScalars.count
            if c <= n { return true }
            fail(at, "\(preview(inst)) has \(c) characters, more than the maximum length \(n)")
            return false

        case .pattern(let re):
            guard case .string(let s) = inst, !re.matches(s) else { return true }
            fail(at, "\(preview(inst)) does not match pattern \(re.source)")
            return false

        case .format(let checker):
            if checker.check(inst) { return true }
            fail(at, "\(preview(inst)) is not \(checker.noun)")
            return false

        case .minItems(let n):
            guard case .array(let a) = inst, a.count < n else { return true }
            fail(at, "array has \(a.count) item\(a.count == 1 ? "" : "s"), fewer than the minimum \(n)")
            return false

        case .maxItems(let n):
            guard case .array(let a) = inst, a.count > n else { return true }
            fail(at, "array has \(a.count) items, more than the maximum \(n)")
            return false

        case .uniqueItems:
            guard case .array(let a) = inst, a.count > 1 else { return true }
            guard let (i, j) = firstDuplicate(a) else { return true }
            fail(at, "items \(i) and \(j) are equal (\(preview(a[i], limit: 40))), but items must be unique")
            return false

        case .prefixItems(let schemas):
            guard case .array(let a) = inst else { return true }
            var valid = true
            let n = min(a.count, schemas.count)
            for i in 0..<n where !child(schemas[i], a[i], .index(i)) {
                valid = false
                if !reporting { return false }
            }
            if want { ann.prefix = max(ann.prefix, n) }
            return valid

        case .items(let schema, let from):
            guard case .array(let a) = inst, a.count > from else { return true }
            if want { ann.allItems = true }
            if nodes[schema].kind == .alwaysInvalid {
                fail(at, from == 0 ? "array must be empty (\(kw.name) is false), got \(a.count) items"
                                   : "array has \(a.count) items, but at most \(from) are allowed (\(kw.name) is false)")
                return false
            }
            var valid = true
            for i in from..<a.count where !child(schema, a[i], .index(i)) {
                valid = false
                if !reporting { return false }
            }
            return valid

        case .contains(let schema, let minimum, let maximum):
            guard case .array(let a) = inst else { return true }
            var matches = 0
            let saved = reporting
            reporting = false
            var dummy = Annotations()
            for (i, item) in a.enumerated() {
                path.append(.index(i))
                let ok = eval(schema, item, &dummy, collect: false)
                path.removeLast()
                if ok {
                    matches += 1
                    if want { ann.items.insert(i) }
                    if !want && maximum == nil && matches >= minimum { break }
                }
            }
            reporting = saved && !full
            if matches < minimum {
                if minimum == 1 {
                    if reporting {
                        let why = a.isEmpty ? "the array is empty" : "e.g. item 0: " + explain(schema, a[0], token: .index(0))
                        fail(at, "no item matches the contains schema (\(why))")
                    }
                } else {
                    fail(node.path + "/minContains", "\(matches) item\(matches == 1 ? "" : "s") match the contains schema, fewer than minContains \(minimum)")
                }
                return false
            }
            if let maximum, matches > maximum {
                fail(node.path + "/maxContains", "\(matches) items match the contains schema, more than maxContains \(maximum)")
                return false
            }
            return true

        case .minProperties(let n):
            guard case .object(let o) = inst, o.count < n else { return true }
            fail(at, "object has \(o.count) propert\(o.count == 1 ? "y" : "ies"), fewer than the minimum \(n)")
            return false

        case .maxProperties(let n):
            guard case .object(let o) = inst, o.count > n else { return true }
            fail(at, "object has \(o.count) properties, more than the maximum \(n)")
            return false

        case .required(let names):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for name in names where o[name] == nil {
                valid = false
                fail(at, "missing required property \"\(name)\"")
                if !reporting { return false }
            }
            return valid

        case .object(let properties, let patterns, let additional):
            guard case .object(let o) = inst else { return true }
            var valid = true
            if want && additional != nil { ann.allProperties = true }
            for (key, value) in o {
                var matched = false
                if let s = properties[key] {
                    matched = true
                    if !child(s, value, .key(key)) { valid = false; if !reporting { return false } }
                }
                for (re, s) in patterns where re.matches(key) {
                    matched = true
                    if !child(s, value, .key(key)) { valid = false; if !reporting { return false } }
                }
                if !matched, let additional {
                    if nodes[additional].kind == .alwaysInvalid {
                        fail(node.path + "/additionalProperties", "unexpected property \"\(key)\" (additionalProperties is false)")
                        valid = false
                        if !reporting { return false }
                    } else if !child(additional, value, .key(key)) {
                        valid = false
                        if !reporting { return false }
                    }
                }
                if want && matched { ann.properties.insert(key) }
            }
            return valid

        case .propertyNames(let schema):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for key in o.keys where !probe(schema, .string(key)) {
                valid = false
                if reporting {
                    let why = explain(schema, .string(key), token: nil)
                    fail(at, "property name \"\(key)\" is not allowed: \(why)")
                }
                if !reporting { return false }
            }
            return valid

        case .dependentRequired(let pairs):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for (name, required) in pairs where o[name] != nil {
                for r in required where o[r] == nil {
                    valid = false
                    fail(at, "missing property \"\(r)\", required when \"\(name)\" is present")
                    if !reporting { return false }
                }
            }
            return valid

        case .dependentSchemas(let pairs):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for (name, schema) in pairs where o[name] != nil && !eval(schema, inst, &ann, collect: want) {
                valid = false
                if !reporting { return false }
            }
            return valid

        case .allOf(let schemas):
            var valid = true
            for s in schemas where !eval(s, inst, &ann, collect: want) {
                valid = false
                if !reporting { return false }
            }
            return valid

        case .anyOf(let schemas):
            var matched = false
            let saved = reporting
            reporting = false
            for s in schemas {
                var branch = Annotations()
                if eval(s, inst, &branch, collect: want) {
                    matched = true
                    if want { ann.merge(branch) } else { break }
                }
            }
            reporting = saved && !full
            if matched { return true }
            if reporting {
                let why = alternatives(schemas, inst)
                fail(at, "\(describe(inst)) does not match any of the \(schemas.count) alternatives in anyOf: " + why)
            }
            return false

        case .oneOf(let schemas):
            var matching: [Int] = []
            var kept = Annotations()
            let saved = reporting
            reporting = false
            for (i, s) in schemas.enumerated() {
                var branch = Annotations()
                if eval(s, inst, &branch, collect: want) {
                    matching.append(i)
                    kept = branch
                    if matching.count > 1 { break }
                }
            }
            reporting = saved && !full
            if matching.count == 1 {
                if want { ann.merge(kept) }
                return true
            }
            if matching.isEmpty {
                if reporting {
                    let why = alternatives(schemas, inst)
                    fail(at, "\(describe(inst)) does not match any of the \(schemas.count) alternatives in oneOf: " + why)
                }
            } else {
                fail(at, "\(describe(inst)) matches more than one alternative in oneOf (\(matching.map(String.init).joined(separator: " and "))), "
                     + "but must match exactly one")
            }
            return false

        case .not(let schema):
            guard probe(schema, inst) else { return true }
            fail(at, "\(describe(inst)) must not match the schema in \"not\"")
            return false

        case .conditional(let condition, let then, let otherwise):
            if then == nil && otherwise == nil && !want { return true }
            var branch = Annotations()
            let saved = reporting
            reporting = false
            let holds = eval(condition, inst, &branch, collect: want)
            reporting = saved && !full
            if holds {
                if want { ann.merge(branch) }
                guard let then else { return true }
                return eval(then, inst, &ann, collect: want)
            }
            guard let otherwise else { return true }
            return eval(otherwise, inst, &ann, collect: want)

        case .ref(let target):
            return eval(target, inst, &ann, collect: want)

        case .dynamicRef(let initial, let anchor):
            var target = initial
            if let anchor {
                for resource in scope {
                    if let t = program.dynamicAnchors[resource][anchor] { target = t; break }
                }
            }
            return eval(target, inst, &ann, collect: want)

        case .unevaluatedItems(let schema):
            guard case .array(let a) = inst else { return true }
            defer { if want { ann.allItems = true } }
            if ann.allItems { return true }
            var valid = true
            for i in ann.prefix..<max(ann.prefix, a.count) where !ann.items.contains(i) {
                if nodes[schema].kind == .alwaysInvalid {
                    fail(at, "unexpected item at index \(i) (unevaluatedItems is false)")
                    valid = false
                } else if !child(schema, a[i], .index(i)) {
                    valid = false
                }
                if !valid && !reporting { return false }
            }
            return valid

        case .unevaluatedProperties(let schema):
            guard case .object(let o) = inst else { return true }
            defer { if want { ann.allProperties = true } }
            if ann.allProperties { return true }
            var valid = true
            for (key, value) in o where !ann.properties.contains(key) {
                if nodes[schema].kind == .alwaysInvalid {
                    fail(at, "unexpected property \"\(key)\" (unevaluatedProperties is false)")
                    valid = false
                } else if !child(schema, value, .key(key)) {
                    valid = false
                }
                if !valid && !reporting { return false }
            }
            return valid
        }
    }

    // MARK: - Helpers

    /// Evaluates a subschema against a member or item, with the instance path extended.
    private mutating func child(_ schema: Int, _ value: JSON, _ token: PathToken) -> Bool {
        path.append(token)
        defer { path.removeLast() }
        var dummy = Annotations()
        return eval(schema, value, &dummy, collect: false)
    }

    /// Whether `inst` is valid against `schema`, without reporting.
    private mutating func probe(_ schema: Int, _ inst: JSON) -> Bool {
        let saved = reporting
        reporting = false
        defer { reporting = saved && !full }
        var dummy = Annotations()
        return eval(schema, inst, &dummy, collect: false)
    }

    private mutating func fail(_ schemaPath: @autoclosure () -> String, _ message: @autoclosure () -> String) {
        guard reporting else { return }
        violations.append(SchemaViolation(instancePath: JSONPointer(tokens: path.map(\.text)),
                                          schemaPath: schemaPath(), message: message()))
        if violations.count >= maxViolations {
            full = true
            reporting = false
        }
    }

    /// The first reasons `inst` fails `schema`, as one line (for anyOf/oneOf/contains/propertyNames).
    private mutating func explain(_ schema: Int, _ inst: JSON, token: PathToken?) -> String {
        guard reporting, explaining < 2 else { return "…" }
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
            v.instancePath == here || token == nil ? v.message : "at \(v.instancePath): \(v.message)"
        }.joined(separator: "; ")
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    private mutating func alternatives(_ schemas: [Int], _ inst: JSON) -> String {
        guard reporting else { return "" }
        return schemas.prefix(4).enumerated().map { i, s in "[\(i)] \(explain(s, inst, token: nil))" }
            .joined(separator: "; ") + (schemas.count > 4 ? "; …" : "")
    }

    private func firstDuplicate(_ a: [JSON]) -> (Int, Int)? {
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

/// `number 12`, `string "abc"`, `object {"a":1}`: a value with its type, for messages.
func describe(_ value: JSON) -> String {
    switch value {
    case .null: "null"
    case .bool(let b): "boolean \(b)"
    case .number: "number \(preview(value))"
    case .string: "string \(preview(value))"
    case .array(let a): a.isEmpty ? "an empty array" : "array \(preview(value, limit: 40))"
    case .object(let o): o.isEmpty ? "an empty object" : "object \(preview(value, limit: 40))"
    }
}
