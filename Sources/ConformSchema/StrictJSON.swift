import ConformJSON

/// JSON equality as JSON Schema defines it for `const`, `enum` and `uniqueItems`.
///
/// `JSON.==` compares strings with Swift's `String.==`, which treats canonically equivalent
/// strings as equal ("é" precomposed equals "e" + combining accent). JSON Schema compares code
/// points, so strings (and member names) are compared by their UTF-8 bytes here.
struct StrictJSON: Hashable {
    let value: JSON

    init(_ value: JSON) { self.value = value }

    static func == (lhs: StrictJSON, rhs: StrictJSON) -> Bool { equal(lhs.value, rhs.value) }

    func hash(into hasher: inout Hasher) { Self.hash(value, into: &hasher) }

    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.array(x), .array(y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            for (key, v) in x {
                guard let i = y.index(forKey: key), y.keys[i].utf8.elementsEqual(key.utf8),
                      equal(v, y.values[i]) else { return false }
            }
            return true
        default:
            return false
        }
    }

    static func hash(_ v: JSON, into hasher: inout Hasher) {
        switch v {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s): hasher.combine(3); hasher.combine(s.utf8.count); for b in s.utf8 { hasher.combine(b) }
        case .array(let a): hasher.combine(4); hasher.combine(a.count); for item in a { hash(item, into: &hasher) }
        case .object(let o):
            // Order-independent, like equality.
            hasher.combine(5); hasher.combine(o.count)
            var sum = 0
            for (k, item) in o {
                var h = Hasher()
                for b in k.utf8 { h.combine(b) }
                hash(item, into: &h)
                sum &+= h.finalize()
            }
            hasher.combine(sum)
        }
    }
}
