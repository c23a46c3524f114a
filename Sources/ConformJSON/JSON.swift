import OrderedCollections

/// A JSON value.
///
/// Objects keep their member order (reports and transcripts show bodies as the
/// server sent them). Numbers are `Double`: every number in the target APIs
/// (counts, offsets, limits) fits, and JSON Schema compares numbers by value,
/// so `1` and `1.0` are the same number here.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object(OrderedDictionary<String, JSON>)

    /// The JSON Schema type name of this value (`integer` for whole numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n.isWholeNumber ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// An object's members, in order.
    public typealias Object = OrderedDictionary<String, JSON>

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: OrderedDictionary<String, JSON>? { if case .object(let o) = self { o } else { nil } }
    public var isNull: Bool { self == .null }

    /// Member lookup; `nil` for a missing member or a non-object.
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { o[key] } else { nil }
    }

    /// A short, human text for messages: strings unquoted, everything else as compact JSON.
    public var plainText: String {
        if case .string(let s) = self { return s }
        return serialized()
    }
}

extension JSON: Equatable {
    /// Structural equality where numbers compare by value (`1 == 1.0`) and object
    /// member order does not matter, as in JSON Schema's `const`/`enum`.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            for (k, v) in a { guard let w = b[k], w == v else { return false } }
            return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let o):
            // Order-independent, to agree with ==.
            hasher.combine(5); hasher.combine(o.count)
            var sum = 0
            for (k, v) in o { var h = Hasher(); h.combine(k); h.combine(v); sum &+= h.finalize() }
            hasher.combine(sum)
        }
    }
}

extension Double {
    var isWholeNumber: Bool { isFinite && rounded(.towardZero) == self }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(OrderedDictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
