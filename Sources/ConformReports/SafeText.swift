import ConformRunner

/// The one path every string takes into a report: sanitized for its destination, then masked.
///
/// Sanitizing comes first so that a secret split by an ANSI sequence is whole again when
/// the masker looks for it.
struct SafeText: Sendable {
    let redactor: Redactor
    let destination: TextSanitizer.Destination

    init(redactor: Redactor, destination: TextSanitizer.Destination) {
        self.redactor = redactor
        self.destination = destination
    }

    func text(_ s: String) -> String { redactor.mask(Redactor.withoutPasswords(TextSanitizer.sanitized(s, for: destination))) }

    func bytes(_ b: [UInt8]) -> String { text(String(decoding: b, as: UTF8.self)) }

    func url(_ s: String) -> String { redactor.maskedURL(TextSanitizer.sanitized(s, for: destination)) }

    func header(_ name: String, _ value: String) -> String {
        redactor.mask(header: name, value: TextSanitizer.sanitized(value, for: destination))
    }

    /// A run property: URLs lose their credentials too.
    func property(_ value: String) -> String { value.contains("://") ? url(value) : text(value) }
}

extension Redactor {
    /// `mask(url:)`, and a password in the URL's user info shown as `***` whether known or not.
    func maskedURL(_ url: String) -> String { mask(url: Self.withoutPasswords(url)) }

    /// `text` with the password of every `scheme://user:password@host` in it replaced by `***`.
    static func withoutPasswords(_ text: String) -> String {
        // Without an `@` there is no user info to mask (and URLs rarely have one).
        guard text.containsByte(UInt8(ascii: "@")), text.hasSchemeSeparator else { return text }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiWithoutPasswords(text) }
        var out = ""
        var rest = Substring(text)
        while let scheme = rest.schemeSeparatorRange {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { "/?#\"' <>".contains($0) || $0.isWhitespace }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out += authority[...colon] + "***"
                rest = rest[at...]
            }
        }
        return out + rest
    }

    /// `withoutPasswords` for ASCII text, on bytes: URLs and messages are nearly always ASCII, and
    /// walking them as Characters was the largest cost of writing a report. Same rules as above.
    static func asciiWithoutPasswords(_ text: String) -> String {
        let b = Array(text.utf8)
        func isAuthorityEnd(_ c: UInt8) -> Bool {
            switch c {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\""), UInt8(ascii: "'"),
                 UInt8(ascii: " "), UInt8(ascii: "<"), UInt8(ascii: ">"), 0x09...0x0D: true
            default: false
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 3)
        var i = 0
        while i < b.count {
            var s = i
            while s + 2 < b.count, !(b[s] == UInt8(ascii: ":") && b[s + 1] == UInt8(ascii: "/") && b[s + 2] == UInt8(ascii: "/")) {
                s += 1
            }
            guard s + 2 < b.count else { break }
            let start = s + 3
            out += b[i..<start]
            i = start
            var end = start
            while end < b.count, !isAuthorityEnd(b[end]) { end += 1 }
            if let at = b[start..<end].lastIndex(of: UInt8(ascii: "@")),
               let colon = b[start..<at].firstIndex(of: UInt8(ascii: ":")) {
                out += b[start...colon]
                out += "***".utf8
                i = at
            }
        }
        out += b[i...]
        return String(decoding: out, as: UTF8.self)
    }
}

extension Substring {
    /// The range of the first `://`, found on UTF-8 bytes (Foundation's `range(of:)` dominated report writing).
    var schemeSeparatorRange: Range<String.Index>? {
        let bytes = utf8
        var i = bytes.startIndex
        while i != bytes.endIndex {
            if bytes[i] == UInt8(ascii: ":") {
                let slash1 = bytes.index(after: i)
                if slash1 != bytes.endIndex, bytes[slash1] == UInt8(ascii: "/") {
                    let slash2 = bytes.index(after: slash1)
                    if slash2 != bytes.endIndex, bytes[slash2] == UInt8(ascii: "/") { return i..<bytes.index(after: slash2) }
                }
            }
            i = bytes.index(after: i)
        }
        return nil
    }
}

extension String {
    /// Whether `://` occurs, checked on UTF-8 bytes (Foundation's `contains` is far slower, and this runs on every string).
    var hasSchemeSeparator: Bool {
        var state = 0
        for b in utf8 {
            switch (state, b) {
            case (_, UInt8(ascii: ":")): state = 1
            case (1, UInt8(ascii: "/")): state = 2
            case (2, UInt8(ascii: "/")): return true
            default: state = 0
            }
        }
        return false
    }
}
