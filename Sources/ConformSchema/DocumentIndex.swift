import ConformJSON

/// A schema resource: a document root or a subschema with its own `$id`.
struct ResourceInfo {
    var uri: String
    var dialect: Dialect
    /// `$dynamicAnchor` name → where it stands (only this resource's own, not nested resources').
    var dynamicAnchors: [String: JSONPointer] = [:]
}

/// Where the resources of one document begin, found by walking its subschemas once.
struct DocumentIndex {
    /// Resource root → the resource (a handful per document).
    var resources: [JSONPointer: ResourceInfo] = [:]
}

extension Compiler {
    /// The innermost resource containing `loc` (a pointer not reached by the walk falls back outward).
    func enclosingResource(of loc: SchemaLocation, in index: DocumentIndex) -> ResourceInfo {
        var best: (depth: Int, info: ResourceInfo)?
        for (root, info) in index.resources where root.tokens.count > (best?.depth ?? -1) {
            if loc.pointer.tokens.starts(with: root.tokens) { best = (root.tokens.count, info) }
        }
        return best?.info ?? ResourceInfo(uri: loc.doc, dialect: Dialect(options.defaultDialect))
    }

    /// Registers the `$id`s, anchors and dialects of a document just added to `documents`.
    mutating func index(document uri: String, inherited: Dialect) throws(SchemaError) {
        guard indexes[uri] == nil, let doc = documents[uri] else { return }
        var index = DocumentIndex()
        let root = SchemaLocation(doc: uri, pointer: .root)
        if case .object(let o) = doc.root, o["openapi"] != nil || o["swagger"] != nil {
            // An OpenAPI document: its schemas live under components/schemas (definitions in Swagger 2).
            let version = o["openapi"]?.stringValue ?? ""
            let dialect = Dialect(version.hasPrefix("3.1") ? .draft2020_12 : .openAPI30)
            index.resources[.root] = ResourceInfo(uri: uri, dialect: dialect)
            resourceByURI[uri] = resourceByURI[uri] ?? root
            if dialect.base == .draft2020_12 {
                for container in [["components", "schemas"], ["definitions"]] {
                    guard case .object(let schemas)? = JSONPointer(tokens: container).resolve(in: doc.root) else { continue }
                    for (name, schema) in schemas {
                        try walk(schema, at: root.appending(tokens: container + [name]), base: uri, dialect: dialect,
                                 resource: .root, isRoot: false, into: &index)
                    }
                }
            }
        } else {
            index.resources[.root] = ResourceInfo(uri: uri, dialect: inherited)
            resourceByURI[uri] = resourceByURI[uri] ?? root
            try walk(doc.root, at: root, base: uri, dialect: inherited, resource: .root, isRoot: true, into: &index)
        }
        indexes[uri] = index
    }

    private mutating func walk(_ value: JSON, at loc: SchemaLocation, base: String, dialect: Dialect,
                               resource: JSONPointer, isRoot: Bool, into index: inout DocumentIndex) throws(SchemaError) {
        guard case .object(let o) = value else { return }
        guard loc.pointer.tokens.count <= Self.maxSchemaDepth else {
            throw error("schema nested more than \(Self.maxSchemaDepth) levels deep", at: loc)
        }
        var dialect = dialect
        var base = base
        var resource = resource

        // $schema counts at a resource root (the document root or beside an id).
        if let schemaURI = o["$schema"], isRoot || o["$id"] != nil || o["id"] != nil {
            guard case .string(let s) = schemaURI else {
                throw error("$schema must be a URI string, got \(preview(schemaURI))", at: loc.appending("$schema"))
            }
            dialect = try self.dialect(named: s, at: loc.appending("$schema"))
        }
        var newResource = isRoot
        let idKeyword = dialect.base == .draft2020_12 ? "$id" : "id"
        // OpenAPI 3.0 has no id keyword; draft 4 ignores every sibling of $ref, id included.
        if dialect.base != .openAPI30, let idValue = o[idKeyword], dialect.base == .draft2020_12 || o["$ref"] == nil {
            guard case .string(let id) = idValue else {
                throw error("\(idKeyword) must be a string, got \(preview(idValue))", at: loc.appending(idKeyword))
            }
            let resolved = URIReference(id).resolved(against: URIReference(base))
            let fragment = resolved.fragment ?? ""
            if dialect.base == .draft2020_12 && !fragment.isEmpty {
                throw error("$id \"\(id)\" must not contain a fragment (use $anchor)", at: loc.appending("$id"))
            }
            if id.hasPrefix("#") {
                anchorByURI[base + id] = anchorByURI[base + id] ?? loc
            } else {
                base = resolved.withoutFragment.text
                newResource = true
                if !fragment.isEmpty { anchorByURI[base + "#" + fragment] = anchorByURI[base + "#" + fragment] ?? loc }
            }
        }
        if newResource {
            index.resources[loc.pointer] = ResourceInfo(uri: base, dialect: dialect)
            resource = loc.pointer
            resourceByURI[base] = resourceByURI[base] ?? loc
        }
        if dialect.base == .draft2020_12 {
            for key in ["$anchor", "$dynamicAnchor"] {
                guard let a = o[key] else { continue }
                guard case .string(let name) = a, Self.isAnchorName(name) else {
                    throw error("\(key) must be a plain name (letters, digits, '-', '_', '.'), got \(preview(a))",
                                at: loc.appending(key))
                }
                anchorByURI[base + "#" + name] = anchorByURI[base + "#" + name] ?? loc
                if key == "$dynamicAnchor" { index.resources[resource]?.dynamicAnchors[name] = loc.pointer }
            }
        }
        for (key, sub) in o {
            switch key {
            case "additionalItems", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
                 "unevaluatedItems", "unevaluatedProperties", "contentSchema":
                try walk(sub, at: loc.appending(key), base: base, dialect: dialect, resource: resource, isRoot: false, into: &index)
            case "items", "allOf", "anyOf", "oneOf", "prefixItems":
                if case .array(let items) = sub {
                    for (i, item) in items.enumerated() {
                        try walk(item, at: loc.appending(key, String(i)), base: base, dialect: dialect, resource: resource,
                                 isRoot: false, into: &index)
                    }
                } else {
                    try walk(sub, at: loc.appending(key), base: base, dialect: dialect, resource: resource, isRoot: false, into: &index)
                }
            case "properties", "patternProperties", "definitions", "$defs", "dependentSchemas", "dependencies":
                if case .object(let members) = sub {
                    for (name, item) in members {
                        try walk(item, at: loc.appending(key, name), base: base, dialect: dialect, resource: resource,
                                 isRoot: false, into: &index)
                    }
                }
            default:
                break
            }
        }
    }

    static func isAnchorName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// The dialect a `$schema` names: a known draft, or a custom metaschema whose `$vocabulary` is read.
    mutating func dialect(named schemaURI: String, at loc: SchemaLocation, depth: Int = 0) throws(SchemaError) -> Dialect {
        if let known = SchemaDialect.known(schemaURI: schemaURI) { return Dialect(known) }
        if let name = SchemaDialect.unsupportedDraftName(schemaURI: schemaURI) {
            throw error("\(name) schemas are not supported ($schema \"\(schemaURI)\"); use draft 4, 2020-12 or an OpenAPI 3.0 document",
                        at: loc)
        }
        guard depth < 8 else { throw error("$schema chain of metaschemas is too long", at: loc) }
        let uri = URIReference(schemaURI).withoutFragment.text
        let meta: SchemaDocument
        do { meta = try store.document(uri: uri) } catch {
            throw self.error("unknown $schema \"\(schemaURI)\": \(error.message)", at: loc, cause: error)
        }
        guard case .object(let o) = meta.root, case .string(let parent)? = o["$schema"] else {
            throw error("metaschema \(uri) names no $schema of its own", at: loc)
        }
        var dialect = try self.dialect(named: parent, at: loc, depth: depth + 1)
        if case .object(let vocabularies)? = o["$vocabulary"] {
            var enabled: Vocabularies = []
            for (vocabulary, required) in vocabularies {
                if let known = Vocabularies.known[vocabulary] {
                    if let known { enabled.insert(known) }
                } else if required == .bool(true) {
                    throw error("metaschema \(uri) requires vocabulary \(vocabulary), which this validator does not implement", at: loc)
                }
            }
            dialect.vocabularies = enabled
        }
        return dialect
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
