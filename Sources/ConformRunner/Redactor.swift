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
                needles.append(Needle(bytes: Array(form.utf8), text: form, placeholder: placeholder, secretName: secret.name))
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

    /// `text` with every known secret replaced by its placeholder, and the values of credential
    /// fields (`"password": "…"`) masked.
    public func mask(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var out = text
        for needle in needles where out.contains(needle.text) {
            out = out.replacingOccurrences(of: needle.text, with: needle.placeholder)
        }
        if out.contains("\"") {
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
        guard let q = url.firstIndex(of: "?") else { return mask(url) }
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
            if bytes.withUnsafeBufferPointer({ Redactor.contains($0, needle.bytes) }) { return needle.secretName }
        }
        return nil
    }

    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return false }
        let n = needle.count
        var i = 0
        let last = hay.count - n
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < n && hay[i + j] == needle[j] { j += 1 }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }
}

extension JSON {
    /// How `value` looks inside a JSON string literal (without the quotes).
    static func escapedForRedaction(_ value: String) -> Substring {
        JSON.string(value).serialized().dropFirst().dropLast()
    }
}
