/// A small JSONPath subset (RFC 9535 syntax), enough to find an element of a
/// list by one of its fields:
///
///     $.results[?(@.id == 'abc')].label     $.items[0]     $.items[*].id     $..password
///
/// Supported: `$`, `.name`, `['name']`, `[n]` (negative counts from the end),
/// `[*]`, `.*`, `..name` (descendants), and filters `[?(@.a.b OP literal)]` with
/// OP one of `== != < <= > >=`, or `[?(@.a)]` (member exists). Parentheses around
/// the filter are optional. Hand-written: no JSONPath package is in reach.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let segments: [Segment]

    enum Segment: Sendable, Hashable {
        case member(String)
        case index(Int)
        case wildcard
        case descendant(String)
        case filter(path: [String], op: Op?, literal: JSON)
    }

    enum Op: String, Sendable, Hashable { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=" }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "invalid JSONPath at character \(offset + 1): \(message)" }
    }

    public var description: String { text }

    public init(parsing text: String) throws(ParseError) {
        self.text = text
        var p = Parser(chars: Array(text))
        self.segments = try p.parse()
    }

    /// Every value the path selects, in document order.
    public func select(in root: JSON) -> [JSON] {
        var current = [root]
        for seg in segments {
            var next: [JSON] = []
            for v in current { JSONPath.apply(seg, to: v, into: &next) }
            current = next
        }
        return current
    }

    static func apply(_ seg: Segment, to v: JSON, into out: inout [JSON]) {
        switch seg {
        case .member(let name):
            if let m = v[name] { out.append(m) }
        case .index(let i):
            if case .array(let a) = v {
                let idx = i < 0 ? a.count + i : i
                if idx >= 0 && idx < a.count { out.append(a[idx]) }
            }
        case .wildcard:
            switch v {
            case .array(let a): out.append(contentsOf: a)
            case .object(let o): out.append(contentsOf: o.values)
            default: break
            }
        case .descendant(let name):
            collect(name, in: v, into: &out)
        case let .filter(path, op, literal):
            let children: [JSON]
            switch v {
            case .array(let a): children = a
            case .object(let o): children = Array(o.values)
            default: children = []
            }
            for c in children where matches(c, path: path, op: op, literal: literal) { out.append(c) }
        }
    }

    static func collect(_ name: String, in v: JSON, into out: inout [JSON]) {
        switch v {
        case .object(let o):
            if let m = o[name] { out.append(m) }
            for c in o.values { collect(name, in: c, into: &out) }
        case .array(let a):
            for c in a { collect(name, in: c, into: &out) }
        default: break
        }
    }

    static func matches(_ v: JSON, path: [String], op: Op?, literal: JSON) -> Bool {
        var cur: JSON? = v
        for p in path { cur = cur?[p] }
        guard let value = cur else { return false }
        guard let op else { return true }
        switch op {
        case .eq: return value == literal
        case .ne: return value != literal
        case .lt, .le, .gt, .ge:
            let ordered: Bool?
            switch (value, literal) {
            case let (.number(a), .number(b)): ordered = op == .lt ? a < b : op == .le ? a <= b : op == .gt ? a > b : a >= b
            case let (.string(a), .string(b)): ordered = op == .lt ? a < b : op == .le ? a <= b : op == .gt ? a > b : a >= b
            default: ordered = nil
            }
            return ordered ?? false
        }
    }

    private struct Parser {
        let chars: [Character]
        var i = 0

        func error(_ m: String) -> ParseError { ParseError(message: m, offset: i) }

        mutating func parse() throws(ParseError) -> [Segment] {
            guard chars.first == "$" else { throw error("a JSONPath starts with '$'") }
            i = 1
            var segs: [Segment] = []
            while i < chars.count {
                let c = chars[i]
                if c == "." {
                    i += 1
                    if i < chars.count, chars[i] == "." {
                        i += 1
                        segs.append(.descendant(try name()))
                    } else if i < chars.count, chars[i] == "*" {
                        i += 1
                        segs.append(.wildcard)
                    } else {
                        segs.append(.member(try name()))
                    }
                } else if c == "[" {
                    i += 1
                    skipSpaces()
                    segs.append(try bracket())
                    skipSpaces()
                    guard i < chars.count, chars[i] == "]" else { throw error("expected ']'") }
                    i += 1
                } else {
                    throw error("unexpected '\(c)'")
                }
            }
            return segs
        }

        mutating func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }

        mutating func name() throws(ParseError) -> String {
            let start = i
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" || chars[i] == "$" { i += 1 }
            guard i > start else { throw error("expected a member name") }
            return String(chars[start..<i])
        }

        mutating func bracket() throws(ParseError) -> Segment {
            guard i < chars.count else { throw error("unexpected end") }
            switch chars[i] {
            case "*": i += 1; return .wildcard
            case "'", "\"": return .member(try quoted())
            case "?": i += 1; return try filter()
            default:
                let start = i
                if chars[i] == "-" { i += 1 }
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
                guard let n = Int(String(chars[start..<i])) else { throw error("expected an index, '*', a quoted name or a filter") }
                return .index(n)
            }
        }

        mutating func quoted() throws(ParseError) -> String {
            let q = chars[i]
            i += 1
            var s = ""
            while i < chars.count, chars[i] != q {
                if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                s.append(chars[i])
                i += 1
            }
            guard i < chars.count else { throw error("unterminated string") }
            i += 1
            return s
        }

        mutating func filter() throws(ParseError) -> Segment {
            skipSpaces()
            var paren = false
            if i < chars.count, chars[i] == "(" { paren = true; i += 1; skipSpaces() }
            guard i < chars.count, chars[i] == "@" else { throw error("a filter starts with '@'") }
            i += 1
            var path: [String] = []
            while i < chars.count, chars[i] == "." || chars[i] == "[" {
                if chars[i] == "." { i += 1; path.append(try name()) }
                else {
                    i += 1
                    guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw error("expected a quoted name") }
                    path.append(try quoted())
                    guard i < chars.count, chars[i] == "]" else { throw error("expected ']'") }
                    i += 1
                }
            }
            skipSpaces()
            var op: Op? = nil
            var literal: JSON = .null
            for candidate in ["==", "!=", "<=", ">=", "<", ">"] where hasPrefix(candidate) {
                op = Op(rawValue: candidate)
                i += candidate.count
                skipSpaces()
                literal = try self.literal()
                skipSpaces()
                break
            }
            if paren {
                guard i < chars.count, chars[i] == ")" else { throw error("expected ')'") }
                i += 1
            }
            return .filter(path: path, op: op, literal: literal)
        }

        func hasPrefix(_ s: String) -> Bool {
            let cs = Array(s)
            return i + cs.count <= chars.count && Array(chars[i..<(i + cs.count)]) == cs
        }

        mutating func literal() throws(ParseError) -> JSON {
            guard i < chars.count else { throw error("expected a value") }
            if chars[i] == "'" || chars[i] == "\"" { return .string(try quoted()) }
            for (word, value) in [("true", JSON.bool(true)), ("false", .bool(false)), ("null", .null)] where hasPrefix(word) {
                i += word.count
                return value
            }
            let start = i
            while i < chars.count, chars[i].isNumber || "+-.eE".contains(chars[i]) { i += 1 }
            guard let d = Double(String(chars[start..<i])) else { throw error("expected a string, number, true, false or null") }
            return .number(d)
        }
    }
}
