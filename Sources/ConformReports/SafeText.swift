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
        guard text.hasSchemeSeparator else { return text }
        var out = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
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
