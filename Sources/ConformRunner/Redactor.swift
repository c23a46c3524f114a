import ConformJSON
import Foundation

/// Masks secrets in any text conform prints or writes, and finds them in finished bytes.
///
/// A secret is searched in every form it could take on its way out: raw, base64
/// (standard and URL-safe, with or without padding), percent-encoded, and escaped
/// for JSON and XML. Credential headers and query parameters are masked whatever
/// their value, known or not.
public struct Redactor: Sendable {
    /// Shortest secret that is masked by value; shorter ones would mask ordinary text.
    public static let minimumSecretLength = 4

    /// Header names whose values are always masked.
    public static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "xms-auth-token", "cookie", "set-cookie", "x-api-key",
    ]
    /// Query parameter names whose values are always masked.
    public static let credentialQueryParameters: Set<String> = ["token", "access_token", "subject_access_token", "api_key"]

    struct Needle: Sendable {
        let bytes: [UInt8]
        let text: String
        let placeholder: String
        let secretName: String
        let isASCII: Bool
        /// Offset of the byte `contains` looks for first (see `anchor(of:)`).
        let anchor: Int
    }

    let needles: [Needle]

    public init(secrets: [KnownSecret]) {
        var seen = Set<String>()
        var needles: [Needle] = []
        // Longest first, so a secret that contains another is masked whole.
        for secret in secrets.sorted(by: { $0.value.count > $1.value.count })
        where secret.value.utf8.count >= Redactor.minimumSecretLength {
            let placeholder = "<secret:\(secret.name)>"
            for form in Redactor.forms(of: secret.value) where !form.isEmpty && seen.insert(form).inserted {
                needles.append(Needle(bytes: Array(form.utf8), text: form, placeholder: placeholder, secretName: secret.name,
                                      isASCII: form.utf8.allSatisfy { $0 < 0x80 }, anchor: Redactor.anchor(of: Array(form.utf8))))
            }
        }
        self.needles = needles.sorted { $0.bytes.count > $1.bytes.count }
    }

    public var isEmpty: Bool { needles.isEmpty }

    /// Every spelling of `value` that could reach output.
    static func forms(of value: String) -> [String] {
        let data = Data(value.utf8)
        let b64 = data.base64EncodedString()
        let b64url = b64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        var forms = [value, b64, b64url]
        forms.append(b64.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
        forms.append(b64url.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        if let pct = value.addingPercentEncoding(withAllowedCharacters: unreserved) { forms.append(pct) }
        if let pctQuery = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { forms.append(pctQuery) }
        let jsonEscaped = String(JSON.escapedForRedaction(value))
        forms.append(jsonEscaped)
        let xmlEscaped = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        forms.append(xmlEscaped)
        // Base64 of a secret inside a Basic credential is not aligned with the secret; the
        // Authorization header is masked by name instead.
        return forms
    }

    /// JSON member names whose string values are credentials wherever they appear, known or not:
    /// a server that returns a secret where none was expected (a negative test that unexpectedly
    /// succeeds) must not have it printed.
    public static let credentialFields = ["password", "token", "secret", "access_token", "refresh_token", "client_secret", "api_key"]

    static let credentialFieldPattern: NSRegularExpression = {
        let names = credentialFields.joined(separator: "|")
        // `"token": "value"` with JSON escapes inside the value.
        return try! NSRegularExpression(pattern: "(\"(?:\(names))\"\\s*:\\s*\")(?!<secret:)(?:[^\"\\\\]|\\\\.)+(\")", options: [.caseInsensitive])
    }()

    /// Words one of which every name in `credentialFields` contains, lowercase.
    static let credentialFieldWords: [[UInt8]] = ["password", "token", "secret", "api_key"].map { Array($0.utf8) }

    /// Whether `text` could hold a credential field, by an ASCII case-insensitive search for
    /// `credentialFieldWords`: most texts with a quote have none, and the regular expression
    /// costs far more than this scan.
    static func mayHaveCredentialField(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { hay in
            // Unicode case folding matches more than ASCII does (U+017F is an "s"): the regex decides.
            if hay.contains(where: { $0 >= 0x80 }) { return true }
            return credentialFieldWords.contains { word in
                guard hay.count >= word.count else { return false }
                for i in 0...(hay.count - word.count) {
                    var j = 0
                    // ASCII letters: setting bit 5 lowercases; `_` (0x5F) would become DEL, so it is compared as is.
                    while j < word.count, hay[i + j] == word[j] || (word[j] != UInt8(ascii: "_") && hay[i + j] | 0x20 == word[j]) {
                        j += 1
                    }
                    if j == word.count { return true }
                }
                return false
            }
        }
    }

    /// `text` with every known secret replaced by its placeholder, and the values of credential
    /// fields (`"password": "…"`) masked.
    public func mask(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var out = text
        // ASCII needles are searched on UTF-8 bytes: this runs on every string of every report, and
        // Foundation's `contains` cost far more than the rare replacement. Others keep Foundation's
        // search, which also finds a differently normalised spelling.
        for needle in needles where needle.isASCII ? Redactor.contains(out, needle.bytes, anchor: needle.anchor) : out.contains(needle.text) {
            out = out.replacingOccurrences(of: needle.text, with: needle.placeholder)
        }
        if out.containsByte(UInt8(ascii: "\"")), Redactor.mayHaveCredentialField(out) {
            let range = NSRange(out.startIndex..<out.endIndex, in: out)
            out = Redactor.credentialFieldPattern.stringByReplacingMatches(in: out, options: [], range: range, withTemplate: "$1***$2")
        }
        return out
    }

    /// Bytes decoded as UTF-8 (invalid bytes shown as U+FFFD), then masked.
    public func mask(bytes: [UInt8]) -> String { mask(String(decoding: bytes, as: UTF8.self)) }

    /// A header value masked: credential headers entirely, others by known secrets.
    public func mask(header name: String, value: String) -> String {
        if Redactor.credentialHeaders.contains(name.lowercased()) {
            // Keep the scheme word so a reader can tell Basic from Bearer.
            if let space = value.firstIndex(of: " "), ["basic", "bearer", "token"].contains(value[..<space].lowercased()) {
                return String(value[..<space]) + " ***"
            }
            return "***"
        }
        return mask(value)
    }

    /// A URL with credential query parameters masked and known secrets masked.
    public func mask(url: String) -> String {
        // On UTF-8 bytes: a Character search here was a tenth of a large report's writing time, and
        // most URLs have no query, which `memchr` tells faster than iterating the UTF-8 view.
        guard url.containsByte(UInt8(ascii: "?")), let q = url.utf8.firstIndex(of: UInt8(ascii: "?")) else { return mask(url) }
        let head = url[..<q]
        var query = url[url.index(after: q)...]
        var fragment = ""
        if let hash = query.firstIndex(of: "#") {
            fragment = String(query[hash...])
            query = query[..<hash]
        }
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            guard let eq = part.firstIndex(of: "=") else { return String(part) }
            let name = part[..<eq].removingPercentEncoding ?? String(part[..<eq])
            if Redactor.credentialQueryParameters.contains(name.lowercased()) { return "\(part[..<eq])=***" }
            return String(part)
        }
        return mask(String(head) + "?" + parts.joined(separator: "&") + fragment)
    }

    /// The first known secret found in `bytes`, in any of its forms, or `nil`.
    /// Reports call this on their finished bytes before they are moved into place.
    public func firstLeak(in bytes: [UInt8]) -> String? {
        for needle in needles where bytes.count >= needle.bytes.count {
            if bytes.withUnsafeBufferPointer({ Redactor.contains($0, needle.bytes, anchor: needle.anchor) }) { return needle.secretName }
        }
        return nil
    }

    /// Whether the UTF-8 of `text` contains `needle`, byte for byte.
    static func contains(_ text: String, _ needle: [UInt8], anchor: Int? = nil) -> Bool {
        var text = text
        return text.withUTF8 { $0.count >= needle.count && contains($0, needle, anchor: anchor) }
    }

    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], anchor: Int? = nil) -> Bool {
        guard !needle.isEmpty, let base = hay.baseAddress, hay.count >= needle.count else { return false }
        let n = needle.count
        let k = anchor ?? Self.anchor(of: needle)
        let a = needle[k]
        // Candidates are the positions of the anchor byte; the needle would start `k` bytes earlier.
        let lastAnchor = hay.count - n + k
        var i = k
        return needle.withUnsafeBytes { nb in
            while i <= lastAnchor {
                // memchr (vectorised) jumps to the next candidate: reports are megabytes, scanned once per spelling.
                guard let found = memchr(base + i, Int32(a), lastAnchor - i + 1) else { return false }
                i = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
                if memcmp(base + (i - k), nb.baseAddress!, n) == 0 { return true }
                i += 1
            }
            return false
        }
    }

    /// The offset of the needle byte likely to be rarest in reports and terminal text, which
    /// `contains` searches for first: a secret often starts with a common lowercase letter (every
    /// `t` of an XML report was a candidate for `tok…`), while an uppercase letter or uncommon
    /// punctuation inside it rarely occurs elsewhere. Any offset finds the same matches.
    static func anchor(of needle: [UInt8]) -> Int {
        func commonness(_ b: UInt8) -> Int {
            switch b {
            case UInt8(ascii: "e"), UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"), UInt8(ascii: "i"), UInt8(ascii: "n"),
                 UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "h"), UInt8(ascii: "l"), UInt8(ascii: "d"), UInt8(ascii: "c"),
                 UInt8(ascii: "u"), UInt8(ascii: " "), UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "\""), UInt8(ascii: "<"),
                 UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "\n"): 3
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: ":"),
                 UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: "_"): 2
            default: 1
            }
        }
        var best = 0
        for i in needle.indices where commonness(needle[i]) < commonness(needle[best]) { best = i }
        return best
    }
}

extension JSON {
    /// How `value` looks inside a JSON string literal (without the quotes).
    static func escapedForRedaction(_ value: String) -> Substring {
        JSON.string(value).serialized().dropFirst().dropLast()
    }
}

extension String {
    /// Whether the UTF-8 of the string contains `byte`, by `memchr` (far faster than iterating `utf8`).
    public func containsByte(_ byte: UInt8) -> Bool {
        var text = self
        return text.withUTF8 { $0.count > 0 && memchr($0.baseAddress!, Int32(byte), $0.count) != nil }
    }
}
