import ConformJSON

/// A place in a loaded document.
struct SchemaLocation: Hashable {
    var doc: String
    var pointer: JSONPointer

    func appending(_ tokens: String...) -> SchemaLocation { appending(tokens: tokens) }

    func appending(tokens: [String]) -> SchemaLocation {
        SchemaLocation(doc: doc, pointer: JSONPointer(tokens: pointer.tokens + tokens))
    }
}

/// Compiles one root schema (and everything it references) into a `Program`.
///
/// References are resolved at compile time into node indices, so validation never looks a URI
/// up; recursive schemas become cycles in the node graph. A cycle that never moves to another
/// part of the instance (`a → b → a` through `$ref`/`allOf`/…) is rejected here.
struct Compiler {
    let store: SchemaStore
    let options: SchemaOptions
    let rootDoc: String

    var documents: [String: SchemaDocument] = [:]
    var indexes: [String: DocumentIndex] = [:]
    /// Absolute URI (no fragment) → the schema resource it names.
    var resourceByURI: [String: SchemaLocation] = [:]
    /// `uri#name` → an `$anchor` / `$dynamicAnchor` (or draft 4 `id: "#name"`).
    var anchorByURI: [String: SchemaLocation] = [:]

    var nodes: [SchemaNode] = []
    var nodeLocations: [SchemaLocation] = []
    var nodeByLocation: [SchemaLocation: Int] = [:]
    var resourceIDs: [String: Int] = [:]
    var dynamicAnchorTables: [[String: Int]] = []
    var usesDynamicScope = false
    var unsupported: [UnsupportedKeyword] = []
    var reported: Set<String> = []
    /// Nodes below this index are built.
    var built = 0
    /// Deeper documents are refused when indexed (the index walk recurses).
    static let maxSchemaDepth = 400

    init(store: SchemaStore, options: SchemaOptions, root: SchemaDocument) {
        self.store = store
        self.options = options
        self.rootDoc = root.uri
        documents[root.uri] = root
    }

    mutating func compileRoot(fragment: String?) throws(SchemaError) -> JSONSchema {
        try index(document: rootDoc, inherited: Dialect(options.defaultDialect))
        var start = SchemaLocation(doc: rootDoc, pointer: .root)
        if let fragment, !fragment.isEmpty {
            start = try resolveReference("#" + fragment, base: rootDoc, from: start, keyword: "$ref")
        }
        let root = compileNode(start)
        try buildPending()
        try rejectInPlaceCycles()
        let dialect = indexes[start.doc].map { enclosingResource(of: start, in: $0).dialect.base } ?? options.defaultDialect
        let program = Program(nodes: nodes, root: root, dynamicAnchors: dynamicAnchorTables,
                              usesDynamicScope: usesDynamicScope, options: options)
        return JSONSchema(program: program, dialect: dialect, unsupportedKeywords: unsupported)
    }

    // MARK: - Nodes

    /// The node for a schema location: reserved now, built later by `buildPending` (so compiling
    /// never recurses, however deep the schema or long the chain of references).
    mutating func compileNode(_ loc: SchemaLocation) -> Int {
        if let existing = nodeByLocation[loc] { return existing }
        let i = nodes.count
        nodes.append(.placeholder())
        nodeLocations.append(loc)
        nodeByLocation[loc] = i
        return i
    }

    /// Builds every reserved node, including those reserved while building.
    mutating func buildPending() throws(SchemaError) {
        while built < nodes.count {
            try build(built)
            built += 1
        }
    }

    private mutating func build(_ i: Int) throws(SchemaError) {
        let loc = nodeLocations[i]
        guard let doc = documents[loc.doc], let value = loc.pointer.resolve(in: doc.root) else {
            throw error("no schema at \(display(loc))", at: loc)
        }
        guard let index = indexes[loc.doc] else { throw error("internal: document not indexed", at: loc) }
        let resource = enclosingResource(of: loc, in: index)
        let resourceID = try self.resourceID(resource, doc: loc.doc)
        var node = SchemaNode(kind: .keywords, keywords: [], path: display(loc), resource: resourceID,
                              nullable: false, needsAnnotations: false)
        switch value {
        case .bool(let b):
            node.kind = b ? .alwaysValid : .alwaysInvalid
        case .object(let members):
            try compileKeywords(members, at: loc, dialect: resource.dialect, base: resource.uri, into: &node)
        default:
            throw error("a schema must be an object or a boolean, got \(value.typeName) \(preview(value))", at: loc)
        }
        nodes[i] = node
    }

    /// A small integer per schema resource; the resource's `$dynamicAnchor`s are reserved on first sight.
    mutating func resourceID(_ resource: ResourceInfo, doc: String) throws(SchemaError) -> Int {
        if let id = resourceIDs[resource.uri] { return id }
        let id = dynamicAnchorTables.count
        resourceIDs[resource.uri] = id
        dynamicAnchorTables.append([:])
        for (name, pointer) in resource.dynamicAnchors.sorted(by: { $0.key < $1.key }) {
            dynamicAnchorTables[id][name] = compileNode(SchemaLocation(doc: doc, pointer: pointer))
        }
        return id
    }

    // MARK: - References

    /// Resolves `ref` against `base` to a place in a (possibly newly loaded) document.
    mutating func resolveReference(_ ref: String, base: String, from: SchemaLocation, keyword: String,
                                   dialect: Dialect? = nil) throws(SchemaError) -> SchemaLocation {
        let keywordLoc = from.appending(keyword)
        let target = URIReference(ref).resolved(against: URIReference(base))
        let absolute = target.withoutFragment.text
        let fragment = target.fragment ?? ""
        guard let resource = try findResource(absolute, dialect: dialect ?? Dialect(options.defaultDialect),
                                              ref: ref, at: keywordLoc) else {
            throw error("cannot resolve \(keyword) \"\(ref)\": no schema has the URI \(absolute)", at: keywordLoc)
        }
        if fragment.isEmpty { return resource }
        if fragment.hasPrefix("/") {
            let pointer: JSONPointer
            do { pointer = try JSONPointer(parsing: "#" + fragment) } catch {
                throw self.error("invalid JSON Pointer in \(keyword) \"\(ref)\": \(error)", at: keywordLoc)
            }
            let loc = SchemaLocation(doc: resource.doc, pointer: JSONPointer(tokens: resource.pointer.tokens + pointer.tokens))
            guard let doc = documents[loc.doc], loc.pointer.resolve(in: doc.root) != nil else {
                throw error("cannot resolve \(keyword) \"\(ref)\": nothing at \(pointer) in \(documentName(resource.doc))",
                            at: keywordLoc)
            }
            return loc
        }
        guard let anchored = anchorByURI[absolute + "#" + fragment.percentDecoded] else {
            throw error("cannot resolve \(keyword) \"\(ref)\": no anchor \"\(fragment)\" in \(absolute)", at: keywordLoc)
        }
        return anchored
    }

    /// The resource a URI names, loading its document when it is not known yet.
    mutating func findResource(_ uri: String, dialect: Dialect, ref: String,
                               at loc: SchemaLocation) throws(SchemaError) -> SchemaLocation? {
        if let known = resourceByURI[uri] { return known }
        if documents[uri] == nil {
            let doc: SchemaDocument
            do { doc = try store.document(uri: uri) } catch {
                throw self.error("cannot resolve \"\(ref)\": \(error.message)", at: loc, cause: error)
            }
            documents[uri] = doc
            try index(document: uri, inherited: dialect)
        }
        return resourceByURI[uri]
    }

    // MARK: - Cycles

    /// Rejects a loop of in-place applicators: it would recurse forever on any instance reaching it.
    mutating func rejectInPlaceCycles() throws(SchemaError) {
        var color = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on stack, 2 done
        for start in nodes.indices where color[start] == 0 {
            var stack: [(node: Int, next: Int, edges: [(Int, String)])] = [(start, 0, inPlaceEdges(start))]
            color[start] = 1
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next == stack[top].edges.count {
                    color[stack[top].node] = 2
                    stack.removeLast()
                    continue
                }
                let (target, keyword) = stack[top].edges[stack[top].next]
                stack[top].next += 1
                if color[target] == 1 {
                    let from = stack.firstIndex { $0.node == target } ?? 0
                    let locations = stack[from...].map { nodeLocations[$0.node] } + [nodeLocations[target]]
                    // A cycle through several files names every file ("#" alone would hide which one).
                    let acrossFiles = Set(locations.map(\.doc)).count > 1
                    let cycle = locations.map { acrossFiles ? documentName($0.doc) + "#" + $0.pointer.description : display($0) }
                    throw error("circular reference: \(cycle.joined(separator: " → ")) applies to the same value forever "
                                + "(a $ref cycle must pass through properties or items)",
                                at: nodeLocations[stack[top].node].appending(keyword))
                }
                if color[target] == 0 {
                    color[target] = 1
                    stack.append((target, 0, inPlaceEdges(target)))
                }
            }
        }
    }

    /// Subschemas applied to the same instance location as the node itself.
    func inPlaceEdges(_ n: Int) -> [(Int, String)] {
        var out: [(Int, String)] = []
        for k in nodes[n].keywords {
            switch k.keyword {
            case .ref(let t), .dynamicRef(let t, _), .not(let t): out.append((t, k.name))
            case .allOf(let ts), .anyOf(let ts), .oneOf(let ts): out += ts.map { ($0, k.name) }
            case .conditional(let i, let t, let e): out += [i, t, e].compactMap { $0 }.map { ($0, k.name) }
            case .dependentSchemas(let pairs): out += pairs.map { ($0.1, k.name) }
            default: break
            }
        }
        return out
    }

    // MARK: - Messages

    func documentName(_ doc: String) -> String {
        documents[doc]?.displayName.nonEmpty ?? doc
    }

    /// `#/properties/a` in the root document, `other.yaml#/components/…` elsewhere.
    func display(_ loc: SchemaLocation) -> String {
        let fragment = "#" + loc.pointer.description
        return loc.doc == rootDoc ? fragment : documentName(loc.doc) + fragment
    }

    func sourceLocation(_ loc: SchemaLocation) -> SourceLocation? {
        documents[loc.doc]?.location(of: loc.pointer)
    }

    func error(_ message: String, at loc: SchemaLocation, cause: SchemaError? = nil) -> SchemaError {
        SchemaError(message, schemaPath: display(loc), location: sourceLocation(loc) ?? cause?.location)
    }

    mutating func report(_ keyword: String, at loc: SchemaLocation, reason: String) {
        let path = display(loc.appending(keyword))
        guard reported.insert(path).inserted else { return }
        unsupported.append(UnsupportedKeyword(keyword: keyword, schemaPath: path, location: sourceLocation(loc.appending(keyword)),
                                              reason: reason))
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
