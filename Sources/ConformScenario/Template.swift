import ConformJSON
import Foundation

/// A string with `{{placeholder}}`s, parsed once when the scenario loads.
///
/// Placeholders: `{{name}}` (a variable or capture; dots allowed, e.g. `run.id`),
/// `{{env.NAME}}` (the environment), and the built-ins `{{uuid}}` (fresh each
/// time), `{{now}}` / `{{now+30d}}` / `{{now-1h}}` (RFC 3339 UTC; units s m h d),
/// `{{timestamp}}` (Unix seconds) and `{{run.id}}` (one per run, to make names
/// unique on shared live accounts).
public struct Template: Sendable, Hashable, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case placeholder(Placeholder)
    }

    public let parts: [Part]
    public let source: String

    public var description: String { source }

    /// A template with no placeholders.
    public init(literal: String) {
        self.parts = literal.isEmpty ? [] : [.literal(literal)]
        self.source = literal
    }

    public struct ParseError: Error, Sendable, Equatable {
        public let message: String
        /// Character offset of the problem inside the string.
        public let offset: Int
    }

    public init(parsing text: String) throws(ParseError) {
        source = text
        var parts: [Part] = []
        var literal = ""
        var rest = text[...]
        var offset = 0
        while let open = Self.pair(UInt8(ascii: "{"), in: rest) {
            literal += rest[..<open.lowerBound]
            offset += rest.distance(from: rest.startIndex, to: open.lowerBound)
            let afterOpen = rest[open.upperBound...]
            guard let close = Self.pair(UInt8(ascii: "}"), in: afterOpen) else {
                throw ParseError(message: "unterminated placeholder: '{{' without '}}'", offset: offset)
            }
            let inner = Self.trimmed(afterOpen[..<close.lowerBound])
            let placeholder: Placeholder
            do { placeholder = try Placeholder(parsing: inner) } catch {
                throw ParseError(message: error.message, offset: offset)
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.placeholder(placeholder))
            offset += 2 + afterOpen.distance(from: afterOpen.startIndex, to: close.upperBound)
            rest = afterOpen[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The range of the first two consecutive `byte`s (`{{`, `}}`) in `text`, found on UTF-8 bytes:
    /// Foundation's `range(of:)` was a visible cost of loading thousands of scenario files.
    static func pair(_ byte: UInt8, in text: Substring) -> Range<String.Index>? {
        let bytes = text.utf8
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let next = bytes.index(after: i)
            if next == bytes.endIndex { return nil }
            if bytes[i] == byte && bytes[next] == byte { return i..<bytes.index(after: next) }
            i = next
        }
        return nil
    }

    /// `text` without leading and trailing tabs and space separators (what `CharacterSet.whitespaces` holds).
    static func trimmed(_ text: Substring) -> String {
        func isSpace(_ u: Unicode.Scalar) -> Bool { u == "\t" || u.properties.generalCategory == .spaceSeparator }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }

    /// The single placeholder when the whole template is exactly one, e.g. `"{{count}}"`.
    /// Such a template keeps the variable's JSON type when used as a JSON value.
    public var soloPlaceholder: Placeholder? {
        if parts.count == 1, case .placeholder(let p) = parts[0] { return p }
        return nil
    }

    public var placeholders: [Placeholder] {
        parts.compactMap { if case .placeholder(let p) = $0 { p } else { nil } }
    }

    public var isLiteral: Bool { placeholders.isEmpty }

    public func render(in scope: Scope) throws(InterpolationError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .placeholder(let p): out += try scope.value(of: p).plainText
            }
        }
        return out
    }

    /// Renders as a JSON value: a solo placeholder keeps its type, anything else is a string.
    public func renderJSON(in scope: Scope) throws(InterpolationError) -> JSON {
        if let p = soloPlaceholder { return try scope.value(of: p) }
        return .string(try render(in: scope))
    }
}

/// What a `{{…}}` refers to.
public enum Placeholder: Sendable, Hashable, CustomStringConvertible {
    case variable(String)
    case environment(String)
    case uuid
    case now(offsetSeconds: Int)
    case timestamp

    public var description: String {
        switch self {
        case .variable(let n): "{{\(n)}}"
        case .environment(let n): "{{env.\(n)}}"
        case .uuid: "{{uuid}}"
        case .now(let o): o == 0 ? "{{now}}" : "{{now\(o > 0 ? "+" : "-")\(abs(o))s}}"
        case .timestamp: "{{timestamp}}"
        }
    }

    struct Error: Swift.Error { let message: String }

    init(parsing inner: String) throws(Error) {
        if inner.isEmpty { throw Error(message: "empty placeholder '{{}}'") }
        if inner == "uuid" { self = .uuid; return }
        if inner == "timestamp" { self = .timestamp; return }
        if inner.hasPrefix("now") {
            let rest = inner.dropFirst(3).filter { $0 != " " }
            if rest.isEmpty { self = .now(offsetSeconds: 0); return }
            guard let sign = rest.first, sign == "+" || sign == "-", rest.count >= 3,
                  let unit = rest.last, let n = Int(rest.dropFirst().dropLast()), n >= 0 else {
                throw Error(message: "invalid time offset in '{{\(inner)}}': use e.g. now+30d, now-1h (units s, m, h, d)")
            }
            let scale: Int
            switch unit {
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86400
            default: throw Error(message: "invalid time unit '\(unit)' in '{{\(inner)}}': use s, m, h or d")
            }
            // At most 1,000 years either way: the time stays a four-digit year, as RFC 3339 has it
            // (and the product cannot overflow).
            let limit = 1000 * 366 * 86400
            guard n <= limit / scale else {
                throw Error(message: "time offset too large in '{{\(inner)}}': at most 1000 years either way")
            }
            self = .now(offsetSeconds: (sign == "-" ? -1 : 1) * n * scale)
            return
        }
        if inner.hasPrefix("env.") {
            let name = String(inner.dropFirst(4))
            guard Placeholder.isIdentifier(name, allowDots: false) else {
                throw Error(message: "invalid environment variable name '\(name)'")
            }
            self = .environment(name)
            return
        }
        guard Placeholder.isIdentifier(inner, allowDots: true) else {
            throw Error(message: "invalid placeholder '{{\(inner)}}': expected a variable name (letters, digits, '_', '-', '.')")
        }
        self = .variable(inner)
    }

    /// Whether `{{name}}` reads the variable `name`: false for names a built-in placeholder answers
    /// instead (`uuid`, `timestamp`, `now…`, `env.…`), which a variable of that name would never be read through.
    public static func readsVariable(_ name: String) -> Bool {
        guard case .variable(let n)? = try? Placeholder(parsing: name) else { return false }
        return n == name
    }

    /// Whether `s` can name a variable: a letter or `_`, then letters, digits, `_`, `-` (and `.` when allowed).
    public static func isIdentifier(_ s: String, allowDots: Bool) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return s.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "-" || (allowDots && $0 == ".") || isLetter($0) || isDigit($0)
        }
    }

    // The sets `CharacterSet.letters` and `.alphanumerics` hold (categories L*, M* and N*), asked
    // of the scalar directly: the CharacterSet getters were a visible cost of loading large suites.
    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c >= "0" && c <= "9" }
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}

/// Failure to render a template at run time.
public struct InterpolationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A JSON value whose strings may hold placeholders (request bodies, expected values).
public indirect enum JSONTemplate: Sendable, Hashable {
    case value(JSON)
    case string(Template)
    case array([JSONTemplate])
    case object([(String, JSONTemplate)])

    public static func == (a: JSONTemplate, b: JSONTemplate) -> Bool {
        switch (a, b) {
        case let (.value(x), .value(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .value(let v): h.combine(v)
        case .string(let t): h.combine(t)
        case .array(let a): h.combine(a)
        case .object(let o): for (k, v) in o { h.combine(k); h.combine(v) }
        }
    }

    /// Parses every string inside `json` as a template; reports the pointer of a bad one.
    public init(_ json: JSON, at pointer: JSONPointer = .root) throws(TemplateSyntaxError) {
        switch json {
        case .string(let s):
            do {
                let t = try Template(parsing: s)
                self = t.isLiteral ? .value(json) : .string(t)
            } catch { throw TemplateSyntaxError(pointer: pointer, error: error) }
        case .array(let a):
            var items: [JSONTemplate] = []
            var literal = true
            for (i, v) in a.enumerated() {
                let t = try JSONTemplate(v, at: pointer.appending(i))
                if case .value = t {} else { literal = false }
                items.append(t)
            }
            self = literal ? .value(json) : .array(items)
        case .object(let o):
            var members: [(String, JSONTemplate)] = []
            var literal = true
            for (k, v) in o {
                let t = try JSONTemplate(v, at: pointer.appending(k))
                if case .value = t {} else { literal = false }
                members.append((k, t))
            }
            self = literal ? .value(json) : .object(members)
        default:
            self = .value(json)
        }
    }

    public var placeholders: [Placeholder] {
        switch self {
        case .value: []
        case .string(let t): t.placeholders
        case .array(let a): a.flatMap(\.placeholders)
        case .object(let o): o.flatMap(\.1.placeholders)
        }
    }

    public func render(in scope: Scope) throws(InterpolationError) -> JSON {
        switch self {
        case .value(let v): return v
        case .string(let t): return try t.renderJSON(in: scope)
        case .array(let a):
            var out: [JSON] = []
            out.reserveCapacity(a.count)
            for t in a { out.append(try t.render(in: scope)) }
            return .array(out)
        case .object(let o):
            var out = JSON.Object()
            for (k, t) in o { out[k] = try t.render(in: scope) }
            return .object(out)
        }
    }
}

public struct TemplateSyntaxError: Error, Sendable {
    public let pointer: JSONPointer
    public let error: Template.ParseError
}
