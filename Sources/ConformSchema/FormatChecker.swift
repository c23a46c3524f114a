import ConformJSON

/// The `format` values this validator can assert when asked to (they are annotations otherwise).
public enum FormatChecker: String, Sendable, CaseIterable {
    case dateTime = "date-time"
    case date
    case time
    case uuid
    case email
    case uri
    case ipv4
    case ipv6
    /// OpenAPI: a whole number that fits in 32 / 64 bits (two's complement).
    case int32
    case int64
    /// OpenAPI: base64-encoded bytes (RFC 4648, padded).
    case byte

    /// Names of the formats that can be asserted.
    public static var assertable: [String] { allCases.map(\.rawValue) }

    /// OpenAPI formats with nothing to check in a JSON value (any number is a valid float; `password`
    /// and `binary` describe presentation or transport): accepted silently even when asserting.
    static let nothingToCheck: Set<String> = ["float", "double", "password", "binary"]

    /// Whether `value` satisfies the format; values of other types always do.
    func check(_ value: JSON) -> Bool {
        switch self {
        case .int32, .int64:
            guard case .number(let n) = value else { return true }
            let limit = self == .int32 ? 2_147_483_648.0 : 9_223_372_036_854_775_808.0
            return n.rounded(.towardZero) == n && n >= -limit && n < limit
        default:
            guard case .string(let s) = value else { return true }
            let u = Array(s.utf8)
            switch self {
            case .dateTime: return Self.isDateTime(u)
            case .date: return Self.isDate(u[...])
            case .time: return Self.isTime(u[...])
            case .uuid: return Self.isUUID(u)
            case .email: return Self.isEmail(s)
            case .uri: return Self.isURI(u)
            case .ipv4: return Self.isIPv4(u[...])
            case .ipv6: return Self.isIPv6(s)
            case .byte: return Self.isBase64(u)
            case .int32, .int64: return true
            }
        }
    }

    /// How a failing value is described: "a valid date-time".
    var noun: String { "a valid \(rawValue)" }

    // MARK: - RFC 3339

    private static func digits(_ u: ArraySlice<UInt8>, _ from: Int, _ n: Int) -> Int? {
        let start = u.startIndex + from
        guard start + n <= u.endIndex else { return nil }
        var v = 0
        for b in u[start..<(start + n)] {
            guard b >= 48 && b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    static func isDateTime(_ u: [UInt8]) -> Bool {
        guard u.count > 11, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") else { return false }
        return isDate(u[0..<10]) && isTime(u[11...])
    }

    static func isDate(_ u: ArraySlice<UInt8>) -> Bool {
        guard u.count == 10, u[u.startIndex + 4] == UInt8(ascii: "-"), u[u.startIndex + 7] == UInt8(ascii: "-"),
              let y = digits(u, 0, 4), let m = digits(u, 5, 2), let d = digits(u, 8, 2) else { return false }
        guard (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    /// `hh:mm:ss[.frac](Z|±hh:mm)`; a leap second is valid only at 23:59:60 UTC.
    static func isTime(_ u: ArraySlice<UInt8>) -> Bool {
        guard u.count >= 9, u[u.startIndex + 2] == UInt8(ascii: ":"), u[u.startIndex + 5] == UInt8(ascii: ":"),
              let h = digits(u, 0, 2), let mi = digits(u, 3, 2), let s = digits(u, 6, 2),
              h <= 23, mi <= 59, s <= 60 else { return false }
        var i = u.startIndex + 8
        if i < u.endIndex, u[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < u.endIndex, u[i] >= 48 && u[i] <= 57 { i += 1 }
            guard i > start else { return false }
        }
        guard i < u.endIndex else { return false }
        var offsetMinutes = 0
        switch u[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == u.endIndex else { return false }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let rest = u[(i + 1)...]
            guard rest.count == 5, rest[rest.startIndex + 2] == UInt8(ascii: ":"),
                  let oh = digits(rest, 0, 2), let om = digits(rest, 3, 2), oh <= 23, om <= 59 else { return false }
            offsetMinutes = (oh * 60 + om) * (u[i] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return false
        }
        if s == 60 {
            let utc = ((h * 60 + mi - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isBase64(_ u: [UInt8]) -> Bool {
        guard u.count % 4 == 0 else { return false }
        var padding = 0
        for (i, b) in u.enumerated() {
            if b == UInt8(ascii: "=") {
                padding += 1
                guard i >= u.count - 2 else { return false }
                continue
            }
            guard padding == 0 else { return false }
            let ok = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 47
            guard ok else { return false }
        }
        return true
    }

    // MARK: - Identifiers

    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102)
    }

    static func isUUID(_ u: [UInt8]) -> Bool {
        guard u.count == 36 else { return false }
        for (i, b) in u.enumerated() {
            if [8, 13, 18, 23].contains(i) { guard b == UInt8(ascii: "-") else { return false } }
            else if !isHex(b) { return false }
        }
        return true
    }

    static func isIPv4(_ u: ArraySlice<UInt8>) -> Bool {
        let parts = u.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard (1...3).contains(p.count), p.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if p.count > 1 && p.first == 48 { return false }
            guard let v = Int(String(decoding: p, as: UTF8.self)), v <= 255 else { return false }
        }
        return true
    }

    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        var text = Substring(s)
        var groupsNeeded = 8
        // An IPv4 tail counts as two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(ArraySlice(text[text.index(after: lastColon)...].utf8)) else { return false }
            text = text[...lastColon]
            if text.hasSuffix("::") { } else { text = text.dropLast() }
            groupsNeeded = 6
        }
        let halves = text.components(separatedByString: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: Substring) -> Int? {
            if part.isEmpty { return 0 }
            var n = 0
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), g.utf8.allSatisfy(isHex) else { return nil }
                n += 1
            }
            return n
        }
        if halves.count == 2 {
            guard let a = groups(halves[0]), let b = groups(halves[1]) else { return false }
            return a + b < groupsNeeded
        }
        guard let n = groups(halves[0]) else { return false }
        return n == groupsNeeded
    }

    static func isEmail(_ s: String) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, local.utf8.count <= 64 else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            let allowed = "!#$%&'*+-/=?^_`{|}~."
            guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."),
                  local.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowed.contains($0) || !$0.isASCII })
            else { return false }
        }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let inner = domain.dropFirst().dropLast()
            if inner.lowercased().hasPrefix("ipv6:") { return isIPv6(String(inner.dropFirst(5))) }
            return isIPv4(ArraySlice(inner.utf8))
        }
        return isHostname(domain)
    }

    static func isHostname(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count), !label.hasPrefix("-"), !label.hasSuffix("-"),
                  label.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || !$0.isASCII })
            else { return false }
        }
        return true
    }

    /// RFC 3986 absolute URI: a scheme, then only URI characters (percent escapes well formed).
    static func isURI(_ u: [UInt8]) -> Bool {
        guard let colon = u.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        let scheme = u[..<colon]
        guard let first = scheme.first, (first | 0x20) >= 97 && (first | 0x20) <= 122,
              scheme.allSatisfy({ b in (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 46 })
        else { return false }
        let allowed = Set("-._~:/?#[]@!$&'()*+,;=".utf8)
        var i = colon + 1
        while i < u.count {
            let b = u[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < u.count, isHex(u[i + 1]), isHex(u[i + 2]) else { return false }
                i += 3
                continue
            }
            let alnum = (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57)
            guard alnum || allowed.contains(b) else { return false }
            i += 1
        }
        // An authority's host in brackets must be an IPv6 literal; "[" elsewhere is not allowed.
        let rest = String(decoding: u[(colon + 1)...], as: UTF8.self)
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let hostPort = authority.split(separator: "@", maxSplits: 1).last ?? ""
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { return false }
                let literal = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
                if !literal.hasPrefix("v") && !literal.hasPrefix("V") && !isIPv6(String(literal)) { return false }
                let port = hostPort[hostPort.index(after: close)...]
                if !port.isEmpty && !(port.hasPrefix(":") && port.dropFirst().allSatisfy(\.isNumber)) { return false }
            } else if hostPort.contains("[") || hostPort.contains("]") {
                return false
            } else if let c = hostPort.lastIndex(of: ":"), !hostPort[hostPort.index(after: c)...].allSatisfy(\.isNumber) {
                return false
            }
            if authority.filter({ $0 == "@" }).count > 1 { return false }
            if authority.contains("@"), let userinfo = authority.split(separator: "@", maxSplits: 1).first,
               userinfo.contains("[") || userinfo.contains("]") { return false }
            let afterAuthority = rest.dropFirst(2 + authority.count)
            if afterAuthority.contains("[") || afterAuthority.contains("]") { return false }
        } else if rest.contains("[") || rest.contains("]") {
            return false
        }
        return true
    }
}

extension Substring {
    func components(separatedByString sep: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = self
        while let r = rest.range(ofString: sep) {
            parts.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        parts.append(rest)
        return parts
    }

    func range(ofString target: String) -> Range<Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
