import ConformJSON
import Foundation
import Synchronization

/// Why an assertion did not hold, in words a person can act on.
public struct AssertionFailure: Error, Sendable, Hashable {
    public var message: String
    public var expected: String?
    public var actual: String?
    public init(message: String, expected: String? = nil, actual: String? = nil) {
        self.message = message
        self.expected = expected
        self.actual = actual
    }
}

/// Pure evaluation of assertions against values. No I/O except the schema check the caller supplies.
public struct Evaluator: Sendable {
    /// Validates `value` against a schema; returns violation messages (empty = valid).
    public typealias SchemaCheck = @Sendable (SchemaReference, JSON) throws -> [String]

    public var schemaCheck: SchemaCheck

    public init(schemaCheck: @escaping SchemaCheck) {
        self.schemaCheck = schemaCheck
    }

    /// The value a selector names in `body` (nil when it names nothing).
    ///
    /// A definite JSONPath (no wildcard, filter or descendant) gives its one value, like a
    /// pointer; an indefinite one gives the array of everything it selects.
    public static func select(_ selector: Selector, in body: JSON, scope: Scope) throws -> JSON? {
        switch selector {
        case .pointer(let p):
            return p.resolve(in: body)
        case .path(let t):
            let path = try JSONPath(parsing: try t.render(in: scope))
            let found = path.select(in: body)
            if path.isDefinite { return found.first }
            return .array(found)
        }
    }

    /// Checks one assertion on `value` (`nil` = absent). `subject` names it in messages (`/label`, `header Location`).
    /// `subject` is worked out only for a failure (checks run for every response).
    public func check(_ assertion: Assertion, value: JSON?, subject: @autoclosure () -> String, scope: Scope) -> AssertionFailure? {
        do {
            return try evaluate(assertion, value: value, subject: subject, scope: scope)
        } catch let e as InterpolationError {
            return AssertionFailure(message: "\(subject()): cannot evaluate \(assertion.name): \(e.message)")
        } catch {
            return AssertionFailure(message: "\(subject()): cannot evaluate \(assertion.name): \(error)")
        }
    }

    private func evaluate(_ assertion: Assertion, value: JSON?, subject: () -> String, scope: Scope) throws -> AssertionFailure? {
        if case .exists(let shouldExist) = assertion {
            switch (shouldExist, value) {
            case (true, nil):
                return AssertionFailure(message: "\(subject()): expected to exist, but it is missing", expected: "present", actual: "missing")
            case (false, let v?):
                return AssertionFailure(message: "\(subject()): expected to be absent, but it is \(Evaluator.show(v))",
                                        expected: "absent", actual: Evaluator.show(v))
            default:
                return nil
            }
        }
        guard let value else {
            return AssertionFailure(message: "\(subject()): missing (expected it to satisfy \(assertion.name))",
                                    expected: try describeExpectation(assertion, scope: scope), actual: "missing")
        }
        switch assertion {
        case .exists:
            return nil
        case .equals(let t):
            let expected = try t.render(in: scope)
            if Evaluator.equal(value, expected) { return nil }
            return AssertionFailure(message: "\(subject()): expected \(Evaluator.show(expected)), got \(Evaluator.show(value))",
                                    expected: Evaluator.show(expected), actual: Evaluator.show(value))
        case .notEquals(let t):
            let other = try t.render(in: scope)
            if !Evaluator.equal(value, other) { return nil }
            return AssertionFailure(message: "\(subject()): expected anything but \(Evaluator.show(other))",
                                    expected: "not \(Evaluator.show(other))", actual: Evaluator.show(value))
        case .type(let names):
            if names.contains(where: { Evaluator.hasType(value, $0) }) { return nil }
            let expected = names.joined(separator: " or ")
            return AssertionFailure(message: "\(subject()): expected type \(expected), got \(value.typeName) \(Evaluator.show(value))",
                                    expected: expected, actual: value.typeName)
        case .matches(let t):
            let pattern = try t.render(in: scope)
            guard case .string(let s) = value else {
                return AssertionFailure(message: "\(subject()): expected a string matching /\(pattern)/, got \(value.typeName) \(Evaluator.show(value))",
                                        expected: "/\(pattern)/", actual: Evaluator.show(value))
            }
            if try RegexCache.shared.matches(pattern, s) { return nil }
            return AssertionFailure(message: "\(subject()): \(Evaluator.show(value)) does not match /\(pattern)/",
                                    expected: "/\(pattern)/", actual: Evaluator.show(value))
        case .contains(let t), .notContains(let t):
            var wanted = true
            if case .notContains = assertion { wanted = false }
            let needle = try t.render(in: scope)
            let found: Bool
            switch value {
            case .array(let items): found = items.contains { Evaluator.equal($0, needle) }
            case .string(let s): found = s.contains(needle.plainText)
            case .object(let o): found = o[needle.plainText] != nil
            default:
                return AssertionFailure(message: "\(subject()): expected an array, string or object, got \(value.typeName) \(Evaluator.show(value))")
            }
            if found == wanted { return nil }
            let verb = wanted ? "to contain" : "not to contain"
            return AssertionFailure(message: "\(subject()): expected \(verb) \(Evaluator.show(needle)), got \(Evaluator.show(value))",
                                    expected: "\(verb) \(Evaluator.show(needle))", actual: Evaluator.show(value))
        case .length(let n), .minLength(let n), .maxLength(let n):
            guard let count = Evaluator.length(of: value) else {
                return AssertionFailure(message: "\(subject()): expected an array, string or object to measure, got \(value.typeName)")
            }
            let ok: Bool
            let expected: String
            switch assertion {
            case .length: ok = count == n; expected = "length \(n)"
            case .minLength: ok = count >= n; expected = "length at least \(n)"
            default: ok = count <= n; expected = "length at most \(n)"
            }
            if ok { return nil }
            return AssertionFailure(message: "\(subject()): expected \(expected), got length \(count)", expected: expected, actual: "length \(count)")
        case .min(let bound), .max(let bound):
            let isMin: Bool = if case .min = assertion { true } else { false }
            guard case .number(let n) = value else {
                return AssertionFailure(message: "\(subject()): expected a number, got \(value.typeName) \(Evaluator.show(value))")
            }
            if isMin ? n >= bound : n <= bound { return nil }
            let expected = "\(isMin ? "≥" : "≤") \(JSON.format(number: bound))"
            return AssertionFailure(message: "\(subject()): expected \(expected), got \(JSON.format(number: n))",
                                    expected: expected, actual: JSON.format(number: n))
        case .oneOf(let options):
            var rendered: [JSON] = []
            for o in options { rendered.append(try o.render(in: scope)) }
            if rendered.contains(where: { Evaluator.equal(value, $0) }) { return nil }
            let expected = "one of " + rendered.map(Evaluator.show).joined(separator: ", ")
            return AssertionFailure(message: "\(subject()): expected \(expected), got \(Evaluator.show(value))",
                                    expected: expected, actual: Evaluator.show(value))
        case .schema(let ref):
            let violations = try schemaCheck(ref, value)
            if violations.isEmpty { return nil }
            return AssertionFailure(message: "\(subject()): does not match the schema: \(violations[0])"
                                        + (violations.count > 1 ? " (and \(violations.count - 1) more)" : ""),
                                    expected: "valid against the schema", actual: violations.joined(separator: "\n"))
        }
    }

    private func describeExpectation(_ a: Assertion, scope: Scope) throws -> String {
        switch a {
        case .equals(let t): Evaluator.show(try t.render(in: scope))
        case .type(let names): "type " + names.joined(separator: " or ")
        default: a.name
        }
    }

    /// Equality for expectations: by value, and a string expectation equals a number that prints the same
    /// (a captured `"{{count}}"` inside a longer string is text).
    static func equal(_ a: JSON, _ b: JSON) -> Bool { a == b }

    static func hasType(_ v: JSON, _ name: String) -> Bool {
        switch name {
        case "integer": if case .number(let n) = v { return n.rounded() == n && n.isFinite } else { return false }
        case "number": if case .number = v { return true } else { return false }
        default: return v.typeName == name
        }
    }

    static func length(of v: JSON) -> Int? {
        switch v {
        case .array(let a): a.count
        case .object(let o): o.count
        case .string(let s): s.count
        default: nil
        }
    }

    /// A value as shown in messages: JSON, cut at 200 characters.
    public static func show(_ v: JSON) -> String {
        let s = v.serialized()
        return s.count > 200 ? String(s.prefix(200)) + "…" : s
    }
}

extension JSONPath {
    /// True when the path can select at most one value.
    public var isDefinite: Bool {
        !text.contains("*") && !text.contains("..") && !text.contains("[?")
    }
}

/// Compiled regular expressions, shared by every check of a run (compiling dominates matching).
///
/// ICU syntax through `NSRegularExpression`, the same engine for load-time validation and matching.
public final class RegexCache: Sendable {
    public static let shared = RegexCache()
    private let cache = Mutex<[String: NSRegularExpression]>([:])

    /// Whether `pattern` matches anywhere in `text` (unanchored, like JSON Schema's `pattern`).
    public func matches(_ pattern: String, _ text: String) throws -> Bool {
        if let found = Self.literalMatch(pattern, text) { return found }
        let regex = try compiled(pattern)
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }

    /// The answer for a pattern that is plain ASCII text, optionally after `^` (`^application/json`,
    /// the usual Content-Type check), found with `memchr` and `memcmp` instead of a regex run; nil for
    /// any other pattern. A pattern with a metacharacter, even an escaped one, is left to ICU; so is
    /// non-ASCII text in the pattern, which ICU compares by code point where Swift would normalise.
    static func literalMatch(_ pattern: String, _ text: String) -> Bool? {
        var pattern = pattern
        var text = text
        return pattern.withUTF8 { p -> Bool? in
            let anchored = p.first == UInt8(ascii: "^")
            let needle = UnsafeBufferPointer(rebasing: p[(anchored ? 1 : 0)...])
            guard let start = needle.baseAddress, !needle.isEmpty, needle.allSatisfy(isLiteralByte) else { return nil }
            return text.withUTF8 { hay in
                guard let base = hay.baseAddress, hay.count >= needle.count else { return false }
                if anchored { return memcmp(base, start, needle.count) == 0 }
                // memchr for the first byte, memcmp for the rest (Glibc's memmem is not exported to Swift).
                var offset = 0
                while offset <= hay.count - needle.count {
                    guard let hit = memchr(base + offset, Int32(needle[0]), hay.count - needle.count + 1 - offset) else { return false }
                    offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if memcmp(base + offset, start, needle.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }

    /// Printable ASCII that ICU matches as itself outside a bracket expression.
    private static func isLiteralByte(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x7F && !#"\^$.|?*+()[]{}"#.utf8.contains(b)
    }

    /// The first capture group (or the whole match when there is none) of `pattern` in `text`.
    public func firstGroup(_ pattern: String, _ text: String) throws -> String? {
        let regex = try compiled(pattern)
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        guard let m = regex.firstMatch(in: text, options: [], range: range) else { return nil }
        let r = m.numberOfRanges > 1 ? m.range(at: 1) : m.range
        guard let swiftRange = Range(r, in: text) else { return nil }
        return String(text[swiftRange])
    }

    func compiled(_ pattern: String) throws -> NSRegularExpression {
        if let r = cache.withLock({ $0[pattern] }) { return r }
        let r = try NSRegularExpression(pattern: pattern)
        cache.withLock { $0[pattern] = r }
        return r
    }
}
