import ConformJSON

/// JSON types as a bit set, so `type` checks are one AND.
struct TypeMask: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1)
    static let boolean = TypeMask(rawValue: 2)
    static let object = TypeMask(rawValue: 4)
    static let array = TypeMask(rawValue: 8)
    static let number = TypeMask(rawValue: 16)
    static let string = TypeMask(rawValue: 32)
    static let integer = TypeMask(rawValue: 64)

    static let names: [(String, TypeMask)] = [
        ("string", .string), ("integer", .integer), ("number", .number), ("object", .object),
        ("array", .array), ("boolean", .boolean), ("null", .null),
    ]

    static func named(_ name: String) -> TypeMask? { names.first { $0.0 == name }?.1 }

    func admits(_ value: JSON) -> Bool {
        switch value {
        case .null: contains(.null)
        case .bool: contains(.boolean)
        case .string: contains(.string)
        case .array: contains(.array)
        case .object: contains(.object)
        case .number(let n): contains(.number) || (contains(.integer) && n.isFinite && n.rounded(.towardZero) == n)
        }
    }

    /// `string or null`, `string, integer or null`.
    var text: String {
        let parts = Self.names.filter { contains($0.1) }.map(\.0)
        guard parts.count > 1 else { return parts.first ?? "nothing" }
        return parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
}

/// One compiled keyword. Subschemas are indices into `Program.nodes`.
enum Keyword: Sendable {
    case type(TypeMask)
    case enumeration([JSON])
    case constant(JSON)
    case multipleOf(Double)
    case minimum(Double, exclusive: Bool)
    case maximum(Double, exclusive: Bool)
    case minLength(Int)
    case maxLength(Int)
    case pattern(PatternRegex)
    case format(FormatChecker)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    /// 2020-12 `prefixItems`, or draft 4 `items` given as an array.
    case prefixItems([Int])
    /// Applies to every item from index `from` on: 2020-12 `items`, draft 4 `items`/`additionalItems`.
    case items(Int, from: Int)
    case contains(Int, min: Int, max: Int?)
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    /// `properties`, `patternProperties` and `additionalProperties` together: they share the "matched" set.
    case object(properties: [String: Int], patterns: [(PatternRegex, Int)], additional: Int?)
    case propertyNames(Int)
    case dependentRequired([(String, [String])])
    case dependentSchemas([(String, Int)])
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case ref(Int)
    /// `$dynamicRef`; `anchor` is set when the initial target carries a matching `$dynamicAnchor`.
    case dynamicRef(Int, anchor: String?)
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)
}

struct CompiledKeyword: Sendable {
    let keyword: Keyword
    /// The name as written (for schema paths): `pattern`, `exclusiveMaximum`, `$ref`…
    let name: String
    /// `node path/name`, built once here rather than on every evaluation.
    var path: String = ""

    init(keyword: Keyword, name: String) {
        self.keyword = keyword
        self.name = name
    }
}

/// A compiled schema object (or boolean schema).
struct SchemaNode: Sendable {
    enum Kind: Sendable { case alwaysValid, alwaysInvalid, keywords }
    var kind: Kind
    var keywords: [CompiledKeyword]
    /// `#/properties/name` or `openapi.yaml#/components/schemas/Token`.
    var path: String
    /// The schema resource this node belongs to (for `$dynamicRef`'s dynamic scope).
    var resource: Int
    /// OpenAPI 3.0 `nullable: true`: `null` is accepted whatever the other keywords say.
    var nullable: Bool
    /// Holds `unevaluatedItems`/`unevaluatedProperties`, so its subschemas must report what they evaluated.
    var needsAnnotations: Bool

    static func placeholder() -> SchemaNode {
        SchemaNode(kind: .alwaysValid, keywords: [], path: "", resource: 0, nullable: false, needsAnnotations: false)
    }
}

/// A keyword as evaluation reads it: a class, so reading one costs a single retain.
final class RunKeyword: Sendable {
    let keyword: Keyword
    let name: String
    let path: String

    init(_ k: CompiledKeyword) {
        keyword = k.keyword
        name = k.name
        path = k.path
    }
}

/// A node as evaluation reads it (see `SchemaNode` for the fields).
final class RunNode: Sendable {
    let kind: SchemaNode.Kind
    let keywords: [RunKeyword]
    let path: String
    let resource: Int
    let nullable: Bool
    let needsAnnotations: Bool

    init(_ n: SchemaNode) {
        kind = n.kind
        keywords = n.keywords.map(RunKeyword.init)
        path = n.path
        resource = n.resource
        nullable = n.nullable
        needsAnnotations = n.needsAnnotations
    }
}

/// The compiled form shared by every copy of a `JSONSchema`.
final class Program: Sendable {
    let nodes: [RunNode]
    let root: Int
    /// Resource index → `$dynamicAnchor` name → node.
    let dynamicAnchors: [[String: Int]]
    let usesDynamicScope: Bool
    let options: SchemaOptions

    init(nodes: [SchemaNode], root: Int, dynamicAnchors: [[String: Int]], usesDynamicScope: Bool, options: SchemaOptions) {
        self.nodes = nodes.map(RunNode.init)
        self.root = root
        self.dynamicAnchors = dynamicAnchors
        self.usesDynamicScope = usesDynamicScope
        self.options = options
    }
}
