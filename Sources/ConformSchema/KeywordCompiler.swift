import ConformJSON

extension Compiler {
    /// Compiles the keywords of one schema object, checking that each has a well-formed value.
    mutating func compileKeywords(_ o: JSON.Object, at loc: SchemaLocation, dialect: Dialect, base: String,
                                  into node: inout SchemaNode) throws(SchemaError) {
        let d = dialect.base
        var kws: [CompiledKeyword] = []
        for key in o.keys {
            if let reason = KeywordTables.unsupportedReason(key, in: d) { report(key, at: loc, reason: reason) }
        }

        if let refValue = o["$ref"] {
            guard case .string(let ref) = refValue else {
                throw error("$ref must be a string, got \(preview(refValue))", at: loc.appending("$ref"))
            }
            let target = try resolveReference(ref, base: base, from: loc, keyword: "$ref", dialect: dialect)
            let t = compileNode(target)
            if d.isDraft4Family {
                for key in o.keys where key != "$ref" && (KeywordTables.draft4.contains(key) || key == "nullable") {
                    report(key, at: loc, reason: "ignored beside $ref (\(d) ignores every sibling of $ref)")
                }
                var only = CompiledKeyword(keyword: .ref(t), name: "$ref")
                only.path = node.path + "/$ref"
                node.keywords = [only]
                return
            }
            kws.append(CompiledKeyword(keyword: .ref(t), name: "$ref"))
        }
        if d == .draft2020_12, let dyn = o["$dynamicRef"] {
            guard case .string(let ref) = dyn else {
                throw error("$dynamicRef must be a string, got \(preview(dyn))", at: loc.appending("$dynamicRef"))
            }
            let target = try resolveReference(ref, base: base, from: loc, keyword: "$dynamicRef", dialect: dialect)
            let t = compileNode(target)
            // Dynamic only when the initial target bears the same $dynamicAnchor (the "bookend").
            let fragment = URIReference(ref).fragment ?? ""
            var anchor: String?
            if !fragment.isEmpty, !fragment.hasPrefix("/"),
               case .string(let name)? = documents[target.doc].flatMap({ target.pointer.resolve(in: $0.root) })?["$dynamicAnchor"],
               name == fragment {
                anchor = name
                usesDynamicScope = true
            }
            kws.append(CompiledKeyword(keyword: .dynamicRef(t, anchor: anchor), name: "$dynamicRef"))
        }

        if d == .openAPI30, let n = o["nullable"] {
            guard case .bool(let b) = n else {
                throw error("nullable must be true or false, got \(preview(n))", at: loc.appending("nullable"))
            }
            node.nullable = b
        }

        if dialect.has(.validation) {
            try compileValidation(o, at: loc, dialect: d, nullable: node.nullable, into: &kws)
        }
        if let f = o["format"] {
            guard case .string(let name) = f else {
                throw error("format must be a string, got \(preview(f))", at: loc.appending("format"))
            }
            if options.assertFormats || (d == .draft2020_12 && dialect.vocabularies.contains(.formatAssertion)) {
                if let checker = FormatChecker(rawValue: name) {
                    kws.append(CompiledKeyword(keyword: .format(checker), name: "format"))
                } else if !FormatChecker.nothingToCheck.contains(name) {
                    report("format", at: loc, reason: "format \"\(name)\" is not checked (checked formats: "
                           + FormatChecker.assertable.joined(separator: ", ") + ")")
                }
            }
        }
        if dialect.has(.applicator) {
            try compileApplicators(o, at: loc, dialect: d, minContains: dialect.has(.validation), into: &kws)
        }
        if d == .draft2020_12 && dialect.has(.unevaluated) {
            if o["unevaluatedItems"] != nil {
                kws.append(CompiledKeyword(keyword: .unevaluatedItems(compileNode(loc.appending("unevaluatedItems"))),
                                           name: "unevaluatedItems"))
                node.needsAnnotations = true
            }
            if o["unevaluatedProperties"] != nil {
                kws.append(CompiledKeyword(keyword: .unevaluatedProperties(compileNode(loc.appending("unevaluatedProperties"))),
                                           name: "unevaluatedProperties"))
                node.needsAnnotations = true
            }
        }
        for i in kws.indices { kws[i].path = node.path + "/" + kws[i].name }
        node.keywords = kws
    }

    private mutating func compileValidation(_ o: JSON.Object, at loc: SchemaLocation, dialect d: SchemaDialect,
                                            nullable: Bool, into kws: inout [CompiledKeyword]) throws(SchemaError) {
        if let t = o["type"] {
            var mask = try typeMask(t, at: loc.appending("type"))
            if nullable { mask.insert(.null) }
            kws.append(CompiledKeyword(keyword: .type(mask), name: "type"))
        }
        if let e = o["enum"] {
            guard case .array(var values) = e else { throw error("enum must be an array, got \(preview(e))", at: loc.appending("enum")) }
            if nullable && !values.contains(.null) { values.append(.null) }
            kws.append(CompiledKeyword(keyword: .enumeration(values), name: "enum"))
        }
        if d == .draft2020_12, let c = o["const"] {
            kws.append(CompiledKeyword(keyword: .constant(c), name: "const"))
        }
        if let m = o["multipleOf"] {
            let v = try number(m, "multipleOf", at: loc)
            guard v > 0 else { throw error("multipleOf must be greater than 0, got \(preview(m))", at: loc.appending("multipleOf")) }
            kws.append(CompiledKeyword(keyword: .multipleOf(v), name: "multipleOf"))
        }
        if d.isDraft4Family {
            for (bound, flag, isMin) in [("minimum", "exclusiveMinimum", true), ("maximum", "exclusiveMaximum", false)] {
                var exclusive = false
                if let e = o[flag] {
                    guard case .bool(let b) = e else {
                        throw error("\(flag) must be true or false in \(d) (a number is the 2020-12 form), got \(preview(e))",
                                    at: loc.appending(flag))
                    }
                    exclusive = b
                }
                guard let m = o[bound] else { continue }
                let v = try number(m, bound, at: loc)
                kws.append(CompiledKeyword(keyword: isMin ? .minimum(v, exclusive: exclusive) : .maximum(v, exclusive: exclusive),
                                           name: exclusive ? flag : bound))
            }
        } else {
            if let m = o["minimum"] { kws.append(.init(keyword: .minimum(try number(m, "minimum", at: loc), exclusive: false), name: "minimum")) }
            if let m = o["exclusiveMinimum"] {
                kws.append(.init(keyword: .minimum(try number(m, "exclusiveMinimum", at: loc), exclusive: true), name: "exclusiveMinimum"))
            }
            if let m = o["maximum"] { kws.append(.init(keyword: .maximum(try number(m, "maximum", at: loc), exclusive: false), name: "maximum")) }
            if let m = o["exclusiveMaximum"] {
                kws.append(.init(keyword: .maximum(try number(m, "exclusiveMaximum", at: loc), exclusive: true), name: "exclusiveMaximum"))
            }
        }
        if let v = o["minLength"] { kws.append(.init(keyword: .minLength(try count(v, "minLength", at: loc)), name: "minLength")) }
        if let v = o["maxLength"] { kws.append(.init(keyword: .maxLength(try count(v, "maxLength", at: loc)), name: "maxLength")) }
        if let p = o["pattern"] {
            kws.append(.init(keyword: .pattern(try regex(p, at: loc.appending("pattern"))), name: "pattern"))
        }
        if let v = o["minItems"] { kws.append(.init(keyword: .minItems(try count(v, "minItems", at: loc)), name: "minItems")) }
        if let v = o["maxItems"] { kws.append(.init(keyword: .maxItems(try count(v, "maxItems", at: loc)), name: "maxItems")) }
        if let u = o["uniqueItems"] {
            guard case .bool(let b) = u else {
                throw error("uniqueItems must be true or false, got \(preview(u))", at: loc.appending("uniqueItems"))
            }
            if b { kws.append(.init(keyword: .uniqueItems, name: "uniqueItems")) }
        }
        if let v = o["minProperties"] { kws.append(.init(keyword: .minProperties(try count(v, "minProperties", at: loc)), name: "minProperties")) }
        if let v = o["maxProperties"] { kws.append(.init(keyword: .maxProperties(try count(v, "maxProperties", at: loc)), name: "maxProperties")) }
        if d == .openAPI30, case .bool(let flag)? = o["required"] {
            // A common OpenAPI mistake (Swagger 2 parameter style), found in real API documents: reported, not fatal.
            report("required", at: loc, reason: "\"required: \(flag)\" on a property schema has no effect; "
                   + "list the property in the enclosing object's \"required\" array")
        } else if let r = o["required"] {
            kws.append(.init(keyword: .required(try strings(r, at: loc.appending("required"))), name: "required"))
        }
        if d == .draft2020_12, let dr = o["dependentRequired"] {
            guard case .object(let members) = dr else {
                throw error("dependentRequired must be an object, got \(preview(dr))", at: loc.appending("dependentRequired"))
            }
            var pairs: [(String, [String])] = []
            for (name, list) in members { pairs.append((name, try strings(list, at: loc.appending("dependentRequired", name)))) }
            kws.append(.init(keyword: .dependentRequired(pairs), name: "dependentRequired"))
        }
    }

    private mutating func compileApplicators(_ o: JSON.Object, at loc: SchemaLocation, dialect d: SchemaDialect,
                                             minContains: Bool, into kws: inout [CompiledKeyword]) throws(SchemaError) {
        // Arrays.
        if d == .draft2020_12 {
            var prefixCount = 0
            if let p = o["prefixItems"] {
                let items = try schemaArray(p, "prefixItems", at: loc)
                prefixCount = items.count
                kws.append(.init(keyword: .prefixItems(items), name: "prefixItems"))
            }
            if let it = o["items"] {
                if case .array = it {
                    throw error("items must be a single schema in 2020-12; an array of schemas is spelled prefixItems",
                                at: loc.appending("items"))
                }
                kws.append(.init(keyword: .items(compileNode(loc.appending("items")), from: prefixCount), name: "items"))
            }
            if o["contains"] != nil {
                let c = compileNode(loc.appending("contains"))
                var minimum = 1
                var maximum: Int?
                if minContains {
                    if let v = o["minContains"] { minimum = try count(v, "minContains", at: loc) }
                    if let v = o["maxContains"] { maximum = try count(v, "maxContains", at: loc) }
                }
                kws.append(.init(keyword: .contains(c, min: minimum, max: maximum), name: "contains"))
            }
        } else if let it = o["items"] {
            if case .array = it {
                let items = try schemaArray(it, "items", at: loc)
                kws.append(.init(keyword: .prefixItems(items), name: "items"))
                if o["additionalItems"] != nil {
                    let extra = compileNode(loc.appending("additionalItems"))
                    kws.append(.init(keyword: .items(extra, from: items.count), name: "additionalItems"))
                }
            } else {
                kws.append(.init(keyword: .items(compileNode(loc.appending("items")), from: 0), name: "items"))
            }
        }

        // Objects.
        var properties: [String: Int] = [:]
        var patterns: [(PatternRegex, Int)] = []
        var additional: Int?
        if let p = o["properties"] {
            guard case .object(let members) = p else {
                throw error("properties must be an object, got \(preview(p))", at: loc.appending("properties"))
            }
            for name in members.keys { properties[name] = compileNode(loc.appending("properties", name)) }
        }
        if let p = o["patternProperties"] {
            guard case .object(let members) = p else {
                throw error("patternProperties must be an object, got \(preview(p))", at: loc.appending("patternProperties"))
            }
            for name in members.keys {
                let re = try regex(.string(name), at: loc.appending("patternProperties", name))
                patterns.append((re, compileNode(loc.appending("patternProperties", name))))
            }
        }
        if o["additionalProperties"] != nil { additional = compileNode(loc.appending("additionalProperties")) }
        if o["properties"] != nil || o["patternProperties"] != nil || additional != nil {
            kws.append(.init(keyword: .object(properties: properties, patterns: patterns, additional: additional), name: "properties"))
        }
        if d == .draft2020_12, o["propertyNames"] != nil {
            kws.append(.init(keyword: .propertyNames(compileNode(loc.appending("propertyNames"))), name: "propertyNames"))
        }
        if d == .draft2020_12, let ds = o["dependentSchemas"] {
            guard case .object(let members) = ds else {
                throw error("dependentSchemas must be an object, got \(preview(ds))", at: loc.appending("dependentSchemas"))
            }
            var pairs: [(String, Int)] = []
            for name in members.keys { pairs.append((name, compileNode(loc.appending("dependentSchemas", name)))) }
            kws.append(.init(keyword: .dependentSchemas(pairs), name: "dependentSchemas"))
        }
        if d.isDraft4Family, let deps = o["dependencies"] {
            guard case .object(let members) = deps else {
                throw error("dependencies must be an object, got \(preview(deps))", at: loc.appending("dependencies"))
            }
            var required: [(String, [String])] = []
            var schemas: [(String, Int)] = []
            for (name, value) in members {
                if case .array = value {
                    required.append((name, try strings(value, at: loc.appending("dependencies", name))))
                } else {
                    schemas.append((name, compileNode(loc.appending("dependencies", name))))
                }
            }
            if !required.isEmpty { kws.append(.init(keyword: .dependentRequired(required), name: "dependencies")) }
            if !schemas.isEmpty { kws.append(.init(keyword: .dependentSchemas(schemas), name: "dependencies")) }
        }

        // In-place applicators.
        if let v = o["allOf"] { kws.append(.init(keyword: .allOf(try schemaArray(v, "allOf", at: loc)), name: "allOf")) }
        if let v = o["anyOf"] { kws.append(.init(keyword: .anyOf(try schemaArray(v, "anyOf", at: loc)), name: "anyOf")) }
        if let v = o["oneOf"] { kws.append(.init(keyword: .oneOf(try schemaArray(v, "oneOf", at: loc)), name: "oneOf")) }
        if o["not"] != nil { kws.append(.init(keyword: .not(compileNode(loc.appending("not"))), name: "not")) }
        if d == .draft2020_12, o["if"] != nil {
            let condition = compileNode(loc.appending("if"))
            let then = o["then"] == nil ? nil : compileNode(loc.appending("then"))
            let otherwise = o["else"] == nil ? nil : compileNode(loc.appending("else"))
            // Kept even without then/else: `if` still contributes annotations to unevaluated*.
            kws.append(.init(keyword: .conditional(if: condition, then: then, else: otherwise), name: "if"))
        }
    }

    // MARK: - Value checks

    private func typeMask(_ t: JSON, at loc: SchemaLocation) throws(SchemaError) -> TypeMask {
        let names: [JSON]
        switch t {
        case .string: names = [t]
        case .array(let a) where !a.isEmpty: names = a
        default:
            throw error("type must be a type name or an array of them (string, integer, number, object, array, boolean, null), "
                        + "got \(preview(t))", at: loc)
        }
        var mask: TypeMask = []
        for n in names {
            guard case .string(let s) = n, let m = TypeMask.named(s) else {
                throw error("unknown type \(preview(n)); expected one of string, integer, number, object, array, boolean, null", at: loc)
            }
            mask.insert(m)
        }
        return mask
    }

    private func number(_ v: JSON, _ key: String, at loc: SchemaLocation) throws(SchemaError) -> Double {
        guard case .number(let n) = v else { throw error("\(key) must be a number, got \(preview(v))", at: loc.appending(key)) }
        return n
    }

    private func count(_ v: JSON, _ key: String, at loc: SchemaLocation) throws(SchemaError) -> Int {
        guard case .number(let n) = v, n >= 0, n.rounded(.towardZero) == n else {
            throw error("\(key) must be a non-negative integer, got \(preview(v))", at: loc.appending(key))
        }
        return n >= Double(Int.max) ? Int.max : Int(n)
    }

    private func strings(_ v: JSON, at loc: SchemaLocation) throws(SchemaError) -> [String] {
        guard case .array(let items) = v else { throw error("expected an array of property names, got \(preview(v))", at: loc) }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw error("expected property names (strings), got \(preview(item))", at: loc) }
            out.append(s)
        }
        return out
    }

    private mutating func schemaArray(_ v: JSON, _ key: String, at loc: SchemaLocation) throws(SchemaError) -> [Int] {
        guard case .array(let items) = v, !items.isEmpty else {
            throw error("\(key) must be a non-empty array of schemas, got \(preview(v))", at: loc.appending(key))
        }
        var out: [Int] = []
        for i in items.indices { out.append(compileNode(loc.appending(key, String(i)))) }
        return out
    }

    private func regex(_ p: JSON, at loc: SchemaLocation) throws(SchemaError) -> PatternRegex {
        guard case .string(let source) = p else { throw error("a pattern must be a string, got \(preview(p))", at: loc) }
        do { return try PatternRegex.compile(source) } catch {
            throw self.error("invalid or unsupported regular expression /\(source)/: \(error.reason)", at: loc)
        }
    }
}
