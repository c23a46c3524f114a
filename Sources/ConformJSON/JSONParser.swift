import OrderedCollections

/// A parsed JSON document together with where each value and member key stood.
///
/// Positions are kept in a side table, so the values stay plain `JSON` while a loader can still
/// say `file:line:column` for any node. The table lists every value in document order (a
/// container before its members), each with the size of its subtree; a second table lists the
/// entries of each container's members, so finding a member is one lookup, without strings.
///
/// A class, so the loader's many views into one document share it without copying its parts.
public final class JSONDocument: Sendable {
    public let root: JSON
    public let lines: LineIndex
    let positions: [Position]
    /// The entries of each container's members, in order: those of the container at entry `e`
    /// are `members[positions[e].firstMember ..< positions[e].firstMember + positions[e].memberCount]`.
    let members: [Int32]

    init(root: JSON, lines: LineIndex, positions: [Position], members: [Int32]) {
        self.root = root
        self.lines = lines
        self.positions = positions
        self.members = members
    }

    /// Where one value stood: byte offsets of the value and of the member key naming it
    /// (-1 for array items and the root), how many table entries its subtree spans, and where
    /// its members are listed. 32 bits each: parsed files are far below 2 GB.
    struct Position: Sendable {
        var value: Int32
        var key: Int32
        var size: Int32 = 1
        var firstMember: Int32 = 0
        var memberCount: Int32 = 0
    }

    /// A value's entry in the position table (the root is `Place.root`).
    public struct Place: Sendable, Hashable {
        let index: Int
        public static let root = Place(index: 0)
    }

    /// Where the value at `pointer` starts (the file's start when unknown).
    public func location(of pointer: JSONPointer) -> SourceLocation {
        guard let place = place(of: pointer) else { return lines.location(ofOffset: 0) }
        return location(at: place)
    }

    /// Where the key of the member at `pointer` starts (falls back to the value).
    public func keyLocation(of pointer: JSONPointer) -> SourceLocation {
        guard let place = place(of: pointer) else { return lines.location(ofOffset: 0) }
        return keyLocation(at: place)
    }

    public func location(at place: Place) -> SourceLocation {
        lines.location(ofOffset: place.index < positions.count ? Int(positions[place.index].value) : 0)
    }

    public func keyLocation(at place: Place) -> SourceLocation {
        guard place.index < positions.count else { return lines.location(ofOffset: 0) }
        let p = positions[place.index]
        return lines.location(ofOffset: Int(p.key >= 0 ? p.key : p.value))
    }

    /// The place of the `member`-th member (object members in document order, or array items)
    /// of the container at `place`; nil when it has fewer or positions were not recorded.
    public func place(ofMember member: Int, in place: Place) -> Place? {
        guard place.index < positions.count, member >= 0 else { return nil }
        let p = positions[place.index]
        guard member < Int(p.memberCount) else { return nil }
        return Place(index: Int(members[Int(p.firstMember) + member]))
    }

    /// The places of every member of the container at `place`, in document order (empty when
    /// positions were not recorded).
    public func memberPlaces(of place: Place) -> [Place] {
        guard place.index < positions.count else { return [] }
        let p = positions[place.index]
        let first = Int(p.firstMember)
        return members[first..<(first + Int(p.memberCount))].map { Place(index: Int($0)) }
    }

    /// The pointer to the value at `place` (worked out from the table: for messages, not hot paths).
    public func pointer(to place: Place) -> JSONPointer {
        var tokens: [String] = []
        var current = Place.root
        var value = root
        while current.index < place.index, current.index < positions.count {
            // The member whose subtree holds `place`.
            guard let (member, child) = memberPlaces(of: current).enumerated()
                .first(where: { $0.element.index <= place.index && place.index < $0.element.index + Int(positions[$0.element.index].size) })
            else { break }
            switch value {
            case .object(let o):
                tokens.append(o.keys[member])
                value = o.values[member]
            case .array(let a):
                tokens.append(String(member))
                value = a[member]
            default:
                return JSONPointer(tokens: tokens)
            }
            current = child
        }
        return JSONPointer(tokens: tokens)
    }

    /// The place of the value `pointer` names, or nil when it names nothing.
    public func place(of pointer: JSONPointer) -> Place? {
        var place = Place.root
        var value = root
        for token in pointer.tokens {
            let member: Int
            switch value {
            case .object(let o):
                guard let i = o.index(forKey: token) else { return nil }
                member = i
                value = o.values[i]
            case .array(let a):
                guard let i = Int(token), i >= 0, i < a.count, String(i) == token else { return nil }
                member = i
                value = a[i]
            default:
                return nil
            }
            guard let next = self.place(ofMember: member, in: place) else { return nil }
            place = next
        }
        return place
    }
}

/// A strict RFC 8259 JSON parser that records positions.
///
/// Written by hand because no package in reach reports positions: Foundation's
/// `JSONSerialization` gives none, and Yams words its JSON errors as YAML. Also
/// rejects what a scenario file must not contain: duplicate keys, invalid UTF-8,
/// nesting deeper than `maxDepth` (instead of overflowing the stack).
public struct JSONParser {
    public static let defaultMaxDepth = 256

    public static func parse(_ bytes: [UInt8], file: String = "<input>", maxDepth: Int = defaultMaxDepth) throws(Diagnostic) -> JSONDocument {
        // Positions are 32-bit offsets; a document beyond that (none conform reads) gets none.
        var p = Impl(bytes: bytes, lines: LineIndex(file: file, bytes: bytes), maxDepth: maxDepth,
                     recordPositions: bytes.count < Int(Int32.max))
        let root = try p.parseDocument()
        return JSONDocument(root: root, lines: p.lines, positions: p.positions, members: p.members)
    }

    public static func parse(_ text: String, file: String = "<input>", maxDepth: Int = defaultMaxDepth) throws(Diagnostic) -> JSONDocument {
        try parse(Array(text.utf8), file: file, maxDepth: maxDepth)
    }

    /// Parses without recording positions (response bodies): faster, same grammar.
    public static func value(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(Diagnostic) -> JSON {
        var p = Impl(bytes: bytes, lines: LineIndex(file: "<body>", bytes: []), maxDepth: maxDepth, recordPositions: false)
        return try p.parseDocument()
    }

    private struct Impl {
        let bytes: [UInt8]
        let lines: LineIndex
        let maxDepth: Int
        var recordPositions = true
        var i = 0
        var positions: [JSONDocument.Position] = []
        var members: [Int32] = []
        /// The members and items of the containers being parsed, innermost last: each container is
        /// made once at its exact size from its stretch, instead of growing one member at a time.
        var memberStack: [(key: String, value: JSON)] = []
        var itemStack: [JSON] = []

        init(bytes: [UInt8], lines: LineIndex, maxDepth: Int, recordPositions: Bool = true) {
            self.bytes = bytes
            self.lines = lines
            self.maxDepth = maxDepth
            self.recordPositions = recordPositions
        }

        func fail(_ message: String, at offset: Int? = nil) -> Diagnostic {
            if recordPositions {
                return Diagnostic(message, at: lines.location(ofOffset: offset ?? i))
            }
            // Bodies have no line index; count lines here, only on failure.
            let at = min(offset ?? i, bytes.count)
            let index = LineIndex(file: "<body>", bytes: Array(bytes[..<at]))
            return Diagnostic(message, at: index.location(ofOffset: at))
        }

        mutating func parseDocument() throws(Diagnostic) -> JSON {
            // A UTF-8 byte order mark is tolerated, as most editors may write one.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            try validateUTF8()
            skipWhitespace()
            if i >= bytes.count { throw fail("empty document: expected a JSON value") }
            let v = try parseValue(key: -1, depth: 0)
            skipWhitespace()
            if i < bytes.count { throw fail("unexpected \(describe(i)) after the JSON value") }
            return v
        }

        /// Rejects invalid UTF-8 up front with the exact position of the bad byte.
        func validateUTF8() throws(Diagnostic) {
            var j = i
            let n = bytes.count
            while j < n {
                let b = bytes[j]
                if b < 0x80 { j += 1; continue }
                let len: Int
                let minScalar: UInt32
                if b & 0xE0 == 0xC0 { len = 2; minScalar = 0x80 }
                else if b & 0xF0 == 0xE0 { len = 3; minScalar = 0x800 }
                else if b & 0xF8 == 0xF0 { len = 4; minScalar = 0x10000 }
                else { throw fail("invalid UTF-8 byte \(hexByte(b))", at: j) }
                guard j + len <= n else { throw fail("truncated UTF-8 sequence", at: j) }
                var scalar = UInt32(b) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
                for k in 1..<len {
                    let c = bytes[j + k]
                    guard c & 0xC0 == 0x80 else { throw fail("invalid UTF-8 sequence starting with byte \(hexByte(b))", at: j) }
                    scalar = scalar << 6 | UInt32(c & 0x3F)
                }
                if scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                    throw fail("invalid UTF-8 sequence", at: j)
                }
                j += len
            }
        }

        func describe(_ offset: Int) -> String {
            guard offset < bytes.count else { return "end of file" }
            let b = bytes[offset]
            if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
            return "byte \(hexByte(b))"
        }

        mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x0A, 0x0D, 0x09: i += 1
                default: return
                }
            }
        }

        /// Parses one value; `key` is the offset of the member name naming it (-1 when none).
        mutating func parseValue(key: Int, depth: Int) throws(Diagnostic) -> JSON {
            guard i < bytes.count else { throw fail("unexpected end of file: expected a JSON value") }
            guard recordPositions else { return try parseBareValue(depth: depth) }
            let entry = positions.count
            positions.append(JSONDocument.Position(value: Int32(truncatingIfNeeded: i), key: Int32(truncatingIfNeeded: key)))
            let value = try parseBareValue(depth: depth)
            let end = positions.count
            positions[entry].size = Int32(truncatingIfNeeded: end - entry)
            if end - entry > 1 {
                // The members follow the container, each after the previous one's subtree: list them
                // (each entry is listed once, by its parent, so the whole table costs one pass).
                positions[entry].firstMember = Int32(truncatingIfNeeded: members.count)
                var member = entry + 1
                while member < end {
                    members.append(Int32(truncatingIfNeeded: member))
                    member += Int(positions[member].size)
                }
                positions[entry].memberCount = Int32(truncatingIfNeeded: members.count) - positions[entry].firstMember
            }
            return value
        }

        mutating func parseBareValue(depth: Int) throws(Diagnostic) -> JSON {
            switch bytes[i] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw fail("unexpected \(describe(i)): expected a JSON value")
            }
        }

        mutating func literal(_ word: StaticString) throws(Diagnostic) {
            let start = i
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            for c in w {
                guard i < bytes.count, bytes[i] == c else {
                    throw fail("invalid literal: expected '\(word)'", at: start)
                }
                i += 1
            }
        }

        mutating func parseObject(depth: Int) throws(Diagnostic) -> JSON {
            if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
            i += 1
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object([:]) }
            let base = memberStack.count
            defer { memberStack.removeSubrange(base...) }
            var seen: Set<String>?  // made once there are 16 members: a linear scan is cheaper below that
            while true {
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of file: expected '\"' to start a member name") }
                guard bytes[i] == UInt8(ascii: "\"") else {
                    throw fail("unexpected \(describe(i)): expected '\"' to start a member name")
                }
                let keyStart = i
                let key = try parseString()
                if isDuplicate(key, from: base, seen: &seen) { throw fail("duplicate key \"\(key)\"", at: keyStart) }
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                    throw fail("unexpected \(describe(i)): expected ':' after member name")
                }
                i += 1
                skipWhitespace()
                let value = try parseValue(key: keyStart, depth: depth)
                memberStack.append((key, value))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of file: expected ',' or '}'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(OrderedDictionary(uncheckedUniqueKeysWithValues: memberStack[base...]))
                }
                throw fail("unexpected \(describe(i)): expected ',' or '}'")
            }
        }

        /// Whether the object whose members start at `base` of the stack already has `key`.
        private func isDuplicate(_ key: String, from base: Int, seen: inout Set<String>?) -> Bool {
            if seen == nil {
                guard memberStack.count - base >= 16 else { return memberStack[base...].contains { $0.key == key } }
                seen = Set(memberStack[base...].lazy.map(\.key))
            }
            return !seen!.insert(key).inserted
        }

        mutating func parseArray(depth: Int) throws(Diagnostic) -> JSON {
            if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
            i += 1
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
            let base = itemStack.count
            defer { itemStack.removeSubrange(base...) }
            while true {
                skipWhitespace()
                let item = try parseValue(key: -1, depth: depth)
                itemStack.append(item)
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of file: expected ',' or ']'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(Array(itemStack[base...])) }
                throw fail("unexpected \(describe(i)): expected ',' or ']'")
            }
        }

        mutating func parseString() throws(Diagnostic) -> String {
            let start = i
            i += 1
            // Fast path: no escapes.
            var j = i
            while j < bytes.count {
                let b = bytes[j]
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: bytes[i..<j], as: UTF8.self)
                    i = j + 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw fail("control character \(hexByte(b)) in string: escape it", at: j) }
                j += 1
            }
            var out = Array(bytes[i..<j])
            i = j
            while true {
                guard i < bytes.count else { throw fail("unterminated string", at: start) }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if b < 0x20 { throw fail("control character \(hexByte(b)) in string: escape it") }
                if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
                i += 1
                guard i < bytes.count else { throw fail("unterminated string", at: start) }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired UTF-16 surrogate in \\u escape", at: i - 6)
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid UTF-16 low surrogate", at: i - 6) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired UTF-16 surrogate in \\u escape", at: i - 6)
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: i - 2)
                }
            }
        }

        mutating func hex4() throws(Diagnostic) -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func parseNumber() throws(Diagnostic) -> Double {
            let start = i
            func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number: expected a digit") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                if i < bytes.count, isDigit(bytes[i]) { throw fail("invalid number: leading zero", at: start) }
            } else {
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number: expected a digit after '.'") }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number: expected a digit in the exponent") }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard let d = Double(text), d.isFinite else { throw fail("number out of range", at: start) }
            return d
        }
    }
}

/// `0x1F`-style text for a byte, for messages.
func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
}
