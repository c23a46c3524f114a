import ConformJSON

/// A value in a scenario file with its place, for strict decoding with precise errors.
struct Node {
    let document: JSONDocument
    let value: JSON
    /// The value's entry in the document's position table, looked up in its parent's member list:
    /// a location is then one lookup, with no pointer built or resolved.
    let place: JSONDocument.Place

    /// The root of a document.
    init(root document: JSONDocument) {
        self.init(document: document, value: document.root, place: .root)
    }

    private init(document: JSONDocument, value: JSON, place: JSONDocument.Place) {
        self.document = document
        self.value = value
        self.place = place
    }

    /// Where the value stands; worked out from the table, for messages only.
    var pointer: JSONPointer { document.pointer(to: place) }

    var location: SourceLocation { document.location(at: place) }
    var line: Int { location.line }
    var keyLocation: SourceLocation { document.keyLocation(at: place) }

    /// The node of the `index`-th member (object members in document order, or array items).
    func member(_ index: Int, value: JSON) -> Node {
        // A parsed document records every value, so the member is in the table.
        Node(document: document, value: value, place: document.place(ofMember: index, in: place) ?? place)
    }

    func error(_ message: String) -> Diagnostic { Diagnostic(message, at: location) }

    /// What the value is called in messages: `"steps[2].request.method"`.
    var path: String {
        var out = ""
        for t in pointer.tokens {
            if let i = Int(t), !out.isEmpty { out += "[\(i)]" } else { out += out.isEmpty ? t : ".\(t)" }
        }
        return out.isEmpty ? "the document" : "'\(out)'"
    }

    func child(_ key: String) -> Node? {
        guard case .object(let members) = value, let i = members.index(forKey: key) else { return nil }
        return member(i, value: members.values[i])
    }

    func expectObject(allowed: [String]) throws(Diagnostic) -> ObjectNode {
        guard case .object(let members) = value else {
            throw error("\(path) must be an object, not \(describe(value))")
        }
        for key in members.keys where !allowed.contains(key) {
            let at = child(key)?.keyLocation ?? location
            var message = "unknown field '\(key)' in \(path)"
            if let near = nearest(key, in: allowed) { message += "; did you mean '\(near)'?" }
            else { message += "; allowed: \(allowed.filter { !$0.hasPrefix("$") }.joined(separator: ", "))" }
            throw Diagnostic(message, at: at)
        }
        return ObjectNode(node: self)
    }

    func expectArray() throws(Diagnostic) -> [Node] {
        guard case .array(let items) = value else { throw error("\(path) must be an array, not \(describe(value))") }
        return items.indices.map { member($0, value: items[$0]) }
    }

    func expectString() throws(Diagnostic) -> String {
        guard case .string(let s) = value else { throw error("\(path) must be a string, not \(describe(value))") }
        return Interner.shared.intern(s)
    }

    func expectNonEmptyString() throws(Diagnostic) -> String {
        let s = try expectString()
        // The scalars `CharacterSet.whitespaces` holds (Zs and tab), without Foundation's trimming, which
        // was a visible cost of loading thousands of files.
        if s.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }) {
            throw error("\(path) must not be empty")
        }
        return s
    }

    func expectBool() throws(Diagnostic) -> Bool {
        guard case .bool(let b) = value else { throw error("\(path) must be true or false, not \(describe(value))") }
        return b
    }

    func expectNumber() throws(Diagnostic) -> Double {
        guard case .number(let n) = value else { throw error("\(path) must be a number, not \(describe(value))") }
        return n
    }

    func expectInt(min: Int? = nil, max: Int? = nil) throws(Diagnostic) -> Int {
        let n = try expectNumber()
        guard n.rounded() == n, abs(n) < 1e15 else { throw error("\(path) must be a whole number, not \(JSON.format(number: n))") }
        let i = Int(n)
        if let min, i < min { throw error("\(path) must be at least \(min), not \(i)") }
        if let max, i > max { throw error("\(path) must be at most \(max), not \(i)") }
        return i
    }

    func expectStringList() throws(Diagnostic) -> [String] {
        try expectArray().map { n throws(Diagnostic) in try n.expectString() }
    }

    func expectPointer() throws(Diagnostic) -> JSONPointer {
        let s = try expectString()
        do { return try JSONPointer(parsing: s) } catch { throw self.error("invalid JSON Pointer \"\(s)\" in \(path): \(error)") }
    }

    func describe(_ v: JSON) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): "the boolean \(b)"
        case .number(let n): "the number \(JSON.format(number: n))"
        case .string(let s): "the string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// An object node whose keys were checked against the allowed set.
struct ObjectNode {
    let node: Node

    subscript(key: String) -> Node? { node.child(key) }

    func required(_ key: String) throws(Diagnostic) -> Node {
        guard let n = node.child(key) else { throw node.error("missing required field '\(key)' in \(node.path)") }
        return n
    }

    var keys: [String] { node.value.objectValue.map { Array($0.keys) } ?? [] }
}

/// The closest allowed word within a small edit distance, for "did you mean" hints.
func nearest(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
    let w = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(w, Array($0.lowercased()))) }.filter { $0.1 <= Swift.max(2, w.count / 3) }
    return scored.min { $0.1 < $1.1 }?.0
}
