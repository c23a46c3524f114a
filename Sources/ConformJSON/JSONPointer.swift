/// An RFC 6901 JSON Pointer such as `/properties/credentials/password`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public let tokens: [String]

    public init(tokens: [String]) { self.tokens = tokens }

    public static let root = JSONPointer(tokens: [])

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case missingLeadingSlash
        case invalidEscape(token: String)

        public var description: String {
            switch self {
            case .missingLeadingSlash: "a JSON Pointer is empty or starts with '/'"
            case .invalidEscape(let t): "invalid escape in JSON Pointer token \"\(t)\": '~' must be followed by 0 or 1"
            }
        }
    }

    /// Parses the string form. Also accepts the URI fragment form (`#/a/b`).
    public init(parsing text: String) throws(ParseError) {
        var text = Substring(text)
        if text.first == "#" {
            text = text.dropFirst()
            if let decoded = String(text).removingPercentEncodingLossless { text = Substring(decoded) }
        }
        if text.isEmpty { self.tokens = []; return }
        guard text.first == "/" else { throw .missingLeadingSlash }
        // Most pointers have no escapes: split the UTF-8 bytes (a Character walk per token was a
        // visible cost of loading thousands of scenario files).
        if !text.utf8.contains(UInt8(ascii: "~")) {
            self.tokens = text.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
                .map { String(Substring($0)) }
            return
        }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var it = raw.makeIterator()
            while let c = it.next() {
                if c == "~" {
                    switch it.next() {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: throw .invalidEscape(token: String(raw))
                    }
                } else {
                    token.append(c)
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    public static func escape(_ token: String) -> String {
        // On UTF-8 bytes: pointers are formatted for every value of every scenario file loaded.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    public var description: String {
        var out = ""
        for token in tokens {
            out += "/"
            out += JSONPointer.escape(token)
        }
        return out
    }

    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }
    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    public var parent: JSONPointer? { tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast())) }

    /// The value this pointer names in `json`, or `nil` when it names nothing.
    public func resolve(in json: JSON) -> JSON? {
        var current = json
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                // RFC 6901: decimal index without leading zeros ("-" names nothing yet).
                guard let idx = Int(token), idx >= 0, idx < a.count,
                      token == "0" || !token.hasPrefix("0") else { return nil }
                current = a[idx]
            default:
                return nil
            }
        }
        return current
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }

    /// Percent-decoding that fails (nil) on malformed escapes or non-UTF-8 results.
    var removingPercentEncodingLossless: String? {
        var bytes: [UInt8] = []
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var i = startIndex
        while let start = self[i...].firstIndex(of: first) {
            if self[start...].hasPrefix(target) {
                return start..<index(start, offsetBy: target.count)
            }
            i = index(after: start)
        }
        return nil
    }
}
