import ConformJSON
import Yams

/// Turns a YAML document into `JSON`, remembering where each node was written.
enum YAMLConversion {
    /// Guards against alias bombs ("billion laughs"): aliases are expanded into copies.
    static let maxNodes = 1_000_000
    static let maxDepth = 512

    static func convert(bytes: [UInt8], file: String) throws(SchemaError) -> (JSON, [String: SourceLocation]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SchemaError("'\(file)' is not valid UTF-8", schemaPath: file, location: SourceLocation(file: file, line: 1, column: 1))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw SchemaError("invalid YAML: \(describe(error))", schemaPath: file, location: location(of: error, file: file))
        }
        guard let node else {
            throw SchemaError("'\(file)' is empty: expected a YAML mapping", schemaPath: file,
                              location: SourceLocation(file: file, line: 1, column: 1))
        }
        // Aliases are expanded when converting: refuse a document that would expand too far ("billion
        // laughs") before building anything.
        var budget = maxNodes
        if let problem = measure(node, budget: &budget, depth: 0) {
            throw SchemaError(problem, schemaPath: file, location: SourceLocation(file: file, line: 1, column: 1))
        }
        var state = State(file: file)
        let json = try state.convert(node, pointer: "")
        return (json, state.table)
    }

    /// Why `node` is too big once aliases are expanded, or too deep; nil when it is fine (stops early).
    private static func measure(_ node: Node, budget: inout Int, depth: Int) -> String? {
        budget -= 1
        if budget < 0 { return "YAML document expands to more than \(maxNodes) nodes (an alias bomb?)" }
        if depth > maxDepth { return "YAML nested deeper than \(maxDepth) levels" }
        switch node {
        case .sequence(let seq):
            for item in seq {
                if let problem = measure(item, budget: &budget, depth: depth + 1) { return problem }
            }
        case .mapping(let map):
            for (k, v) in map {
                if let problem = measure(k, budget: &budget, depth: depth + 1) ?? measure(v, budget: &budget, depth: depth + 1) {
                    return problem
                }
            }
        case .scalar, .alias:
            break
        }
        return nil
    }

    private struct State {
        let file: String
        var table: [String: SourceLocation] = [:]

        func loc(_ node: Node) -> SourceLocation {
            let m = node.mark
            return SourceLocation(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
        }

        /// `pointer` is the JSON Pointer text, built by appending (cheaper than `JSONPointer` values here).
        mutating func convert(_ node: Node, pointer: String) throws(SchemaError) -> JSON {
            table[pointer] = loc(node)
            switch node {
            case .scalar(let scalar):
                return try self.scalar(scalar, node: node)
            case .sequence(let seq):
                var out: [JSON] = []
                out.reserveCapacity(seq.count)
                for (i, item) in seq.enumerated() {
                    out.append(try convert(item, pointer: pointer + "/" + String(i)))
                }
                return .array(out)
            case .mapping(let map):
                var out = JSON.Object()
                for (k, v) in map {
                    guard case .scalar(let ks) = k else {
                        throw SchemaError("mapping keys must be scalars to convert YAML to JSON", schemaPath: file, location: loc(k))
                    }
                    let name = ks.string
                    if out[name] != nil {
                        throw SchemaError("duplicate key \"\(name)\"", schemaPath: file, location: loc(k))
                    }
                    out[name] = try convert(v, pointer: pointer + "/" + JSONPointer.escape(name))
                }
                return .object(out)
            case .alias:
                throw SchemaError("unresolved YAML alias", schemaPath: file, location: loc(node))
            }
        }

        func scalar(_ s: Node.Scalar, node: Node) throws(SchemaError) -> JSON {
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue:
                if let b = node.bool { return .bool(b) }
            case Tag.Name.int.rawValue:
                if let i = node.int { return .number(Double(i)) }
                if let d = node.float { return .number(d) }
            case Tag.Name.float.rawValue:
                if let d = node.float {
                    guard d.isFinite else {
                        throw SchemaError("YAML number '\(s.string)' has no JSON equivalent", schemaPath: file, location: loc(node))
                    }
                    return .number(d)
                }
            default:
                break
            }
            // Strings, timestamps and any other tag keep their text.
            return .string(s.string)
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let y = error as? YamlError else { return "\(error)" }
        switch y {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .reader(let problem, _, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate keys \(duplicates.map { "\"\($0)\"" }.joined(separator: ", "))"
        default:
            return "\(y)"
        }
    }

    static func location(of error: any Error, file: String) -> SourceLocation {
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, _, let m, _), .parser(_, _, let m, _), .composer(_, _, let m, _):
                return SourceLocation(file: file, line: m.line, column: m.column)
            default: break
            }
        }
        return SourceLocation(file: file, line: 1, column: 1)
    }
}
