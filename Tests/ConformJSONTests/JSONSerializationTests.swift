import ConformTestSupport
import Testing
@testable import ConformJSON

/// The byte writer against the scalar-by-scalar serializer it replaced, kept here as the reference.
@Suite struct JSONSerializationTests {
    static func reference(_ value: JSON, pretty: Bool, sortedKeys: Bool, indent: Int = 0) -> String {
        func string(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if u.value < 0x20 || u.value == 0x7F || u.value == 0x2028 || u.value == 0x2029 {
                        let hex = String(u.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
            return out + "\""
        }
        let pad = { (level: Int) in pretty ? "\n" + String(repeating: " ", count: level * 2) : "" }
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return JSON.format(number: n)
        case .string(let s): return string(s)
        case .array(let a):
            if a.isEmpty { return "[]" }
            return "[" + a.map { pad(indent + 1) + reference($0, pretty: pretty, sortedKeys: sortedKeys, indent: indent + 1) }
                .joined(separator: ",") + pad(indent) + "]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            let keys = sortedKeys ? o.keys.sorted() : Array(o.keys)
            return "{" + keys.map { k in
                pad(indent + 1) + string(k) + (pretty ? ": " : ":") + reference(o[k]!, pretty: pretty, sortedKeys: sortedKeys, indent: indent + 1)
            }.joined(separator: ",") + pad(indent) + "}"
        }
    }

    /// Strings from an alphabet of every character that needs care, and some that do not.
    static let alphabet: [String] = ["a", "Z", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}",
                                     "\u{7F}", "\u{80}", "é", "\u{2027}", "\u{2028}", "\u{2029}", "\u{202A}", "✓", "😀", " ", "~"]

    static func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSON {
        func text() -> String { (0..<Int(rng.next() % 6)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined() }
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return .string(text())
        case 1: return .number([0, -3, 1.5, 1e21, 123456789012, -0.25][Int(rng.next() % 6)])
        case 2: return rng.next() % 2 == 0 ? .bool(rng.next() % 2 == 0) : .null
        case 3: return .string(text())
        case 4: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var o = JSON.Object()
            for _ in 0..<Int(rng.next() % 4) { o[text()] = randomValue(&rng, depth: depth + 1) }
            return .object(o)
        }
    }

    @Test func matchesTheReferenceOnRandomValuesInEveryMode() throws {
        var rng = SplitMix64(seed: 0xC0FFEE)
        for _ in 0..<2_000 {
            let value = Self.randomValue(&rng, depth: 0)
            for (pretty, sorted) in [(false, false), (true, false), (false, true), (true, true)] {
                let expected = Self.reference(value, pretty: pretty, sortedKeys: sorted)
                #expect(value.serialized(pretty: pretty, sortedKeys: sorted) == expected)
                #expect(value.serializedBytes(pretty: pretty, sortedKeys: sorted) == Array(expected.utf8))
            }
            #expect(try JSONParser.value(value.bytes) == value)
        }
    }

    @Test func escapesEachSpecialCharacter() {
        let value: JSON = ["a": "quote \" back \\ nl \n tab \t ctl \u{01} del \u{7F} ls \u{2028} ps \u{2029} ü ✓"]
        #expect(value.serialized() == #"{"a":"quote \" back \\ nl \n tab \t ctl \u0001 del \u007f ls \u2028 ps \u2029 ü ✓"}"#)
    }
}
