import ConformJSON

/// A short rendering of a value for messages: compact JSON, cut after `limit` characters.
///
/// Writes only what is shown, so a large or deeply nested response body costs no more than its
/// first `limit` characters (serialising it whole could be slow, or recurse very deep).
func preview(_ value: JSON, limit: Int = 60) -> String {
    var out = ""
    write(value, to: &out, budget: limit + 1)
    guard out.count > limit else { return out }
    return String(out.prefix(limit)) + "…"
}

/// `number 12`, `string "abc"`, `object {"a":1}`: a value with its type, for messages.
func describe(_ value: JSON) -> String {
    switch value {
    case .null: "null"
    case .bool(let b): "boolean \(b)"
    case .number: "number \(preview(value))"
    case .string: "string \(preview(value))"
    case .array(let a): a.isEmpty ? "an empty array" : "array \(preview(value, limit: 40))"
    case .object(let o): o.isEmpty ? "an empty object" : "object \(preview(value, limit: 40))"
    }
}

/// Appends compact JSON until `out` holds `budget` bytes; each nesting level adds a byte, so the
/// recursion is at most `budget` deep.
private func write(_ value: JSON, to out: inout String, budget: Int) {
    guard out.utf8.count < budget else { return }
    switch value {
    case .null, .bool, .number:
        out += value.serialized()
    case .string(let s):
        out += JSON.string(String(s.unicodeScalars.prefix(budget))).serialized()
    case .array(let items):
        out += "["
        for (i, item) in items.enumerated() {
            if out.utf8.count >= budget { return }
            if i > 0 { out += "," }
            write(item, to: &out, budget: budget)
        }
        out += "]"
    case .object(let members):
        out += "{"
        for (i, (key, item)) in members.enumerated() {
            if out.utf8.count >= budget { return }
            if i > 0 { out += "," }
            out += JSON.string(String(key.unicodeScalars.prefix(budget))).serialized() + ":"
            write(item, to: &out, budget: budget)
        }
        out += "}"
    }
}
