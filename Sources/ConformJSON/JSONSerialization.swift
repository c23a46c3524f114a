extension JSON {
    /// The value as JSON text: compact by default, or indented by two spaces.
    /// Member order is kept; whole numbers are written without a fraction.
    public func serialized(pretty: Bool = false, sortedKeys: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty, sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// Compact JSON text as UTF-8 bytes (request bodies, ledger lines, mock responses).
    public var bytes: [UInt8] { serializedBytes(pretty: false, sortedKeys: false) }

    /// The text of `serialized(pretty:sortedKeys:)` as UTF-8 bytes, written straight into a byte
    /// array: building a `String` scalar by scalar was a visible cost of every request body.
    public func serializedBytes(pretty: Bool = false, sortedKeys: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, pretty: pretty, sortedKeys: sortedKeys, indent: 0)
        return out
    }

    private func write(to out: inout [UInt8], pretty: Bool, sortedKeys: Bool, indent: Int) {
        func newline(_ level: Int) {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: JSON.format(number: n).utf8)
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(indent + 1) }
                v.write(to: &out, pretty: pretty, sortedKeys: sortedKeys, indent: indent + 1)
            }
            if pretty { newline(indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            if o.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            func member(_ i: Int, _ key: String, _ value: JSON) {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(indent + 1) }
                JSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                value.write(to: &out, pretty: pretty, sortedKeys: sortedKeys, indent: indent + 1)
            }
            if sortedKeys {
                for (i, k) in o.keys.sorted().enumerated() { member(i, k, o[k]!) }
            } else {
                for (i, (k, v)) in o.enumerated() { member(i, k, v) }
            }
            if pretty { newline(indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    public static func format(number n: Double) -> String {
        if n.isWholeNumber && abs(n) < 9.007_199_254_740_992e15 {
            return String(Int64(n))
        }
        if !n.isFinite { return "null" }
        return "\(n)"
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal: `"`, `\` and control characters escaped (short forms where JSON has
    /// them), and also DEL, U+2028 and U+2029, which some JavaScript-based readers trip over.
    /// Runs of bytes that need no escape are copied in bulk.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                let escape: Bool
                var length = 1
                switch b {
                case 0..<0x20, 0x22, 0x5C, 0x7F: escape = true
                case 0xE2:  // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
                    escape = i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)
                    if escape { length = 3 }
                default: escape = false
                }
                guard escape else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0xE2: out.append(contentsOf: "\\u202".utf8); out.append(bytes[i + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
                }
                i += length
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSON: CustomStringConvertible {
    public var description: String { serialized() }
}
