import ConformJSON

extension Evaluator {
    /// Keywords applying subschemas to array items.
    mutating func applyArray(_ kw: RunKeyword, _ node: RunNode, _ inst: JSON,
                             _ ann: inout Annotations, _ want: Bool) -> Bool {
        let at = kw.path
        switch kw.keyword {
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
                    let items = matches == 1 ? "1 item matches" : "\(matches) items match"
                    fail(node.path + "/minContains", "\(items) the contains schema, fewer than minContains \(minimum)")
                }
                return false
            }
            if let maximum, matches > maximum {
                fail(node.path + "/maxContains", "\(matches) items match the contains schema, more than maxContains \(maximum)")
                return false
            }
            return true

        case .unevaluatedItems(let schema):
            guard case .array(let a) = inst else { return true }
            defer { if want { ann.allItems = true } }
            if ann.allItems { return true }
            var valid = true
            for i in ann.prefix..<max(ann.prefix, a.count) where !ann.items.contains(i) {
                if !member(schema, a[i], .index(i), keyword: "unevaluatedItems", at: at, what: "item at index \(i)") {
                    valid = false
                }
                if !valid && !reporting { return false }
            }
            return valid

        default:
            return true
        }
    }

    /// Keywords applying subschemas to object members (or their names).
    mutating func applyObject(_ kw: RunKeyword, _ node: RunNode, _ inst: JSON,
                              _ ann: inout Annotations, _ want: Bool) -> Bool {
        let at = kw.path
        switch kw.keyword {
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
                if !matched, let additional, !member(additional, value, .key(key), keyword: "additionalProperties",
                                                     at: node.path + "/additionalProperties", what: "property \"\(key)\"") {
                    valid = false
                    if !reporting { return false }
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

        case .dependentSchemas(let pairs):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for (name, schema) in pairs where o[name] != nil && !eval(schema, inst, &ann, collect: want) {
                valid = false
                if !reporting { return false }
            }
            return valid

        case .unevaluatedProperties(let schema):
            guard case .object(let o) = inst else { return true }
            defer { if want { ann.allProperties = true } }
            if ann.allProperties { return true }
            var valid = true
            for (key, value) in o where !ann.properties.contains(key) {
                if !member(schema, value, .key(key), keyword: "unevaluatedProperties", at: at, what: "property \"\(key)\"") {
                    valid = false
                }
                if !valid && !reporting { return false }
            }
            return valid

        default:
            return true
        }
    }

    /// Keywords applying subschemas to the value itself.
    mutating func applyInPlace(_ kw: RunKeyword, _ node: RunNode, _ inst: JSON,
                               _ ann: inout Annotations, _ want: Bool) -> Bool {
        let at = kw.path
        switch kw.keyword {
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
                let which = matching.map(String.init).joined(separator: " and ")
                fail(at, "\(describe(inst)) matches more than one alternative in oneOf (\(which)), "
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

        case .dynamicRef(let initial, let anchor):
            var target = initial
            if let anchor {
                for resource in scope {
                    if let t = program.dynamicAnchors[resource][anchor] { target = t; break }
                }
            }
            return eval(target, inst, &ann, collect: want)

        default:
            return true
        }
    }
}
