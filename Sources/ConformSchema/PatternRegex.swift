import Synchronization

/// A compiled `pattern`/`patternProperties` regular expression with ECMA-262-like behaviour.
///
/// Swift `Regex` is close to ECMA-262 once told to match Unicode scalars (not grapheme clusters)
/// and to keep `\d`/`\w` ASCII. A few ECMA spellings are rewritten (`\cX`, `[^]`, `[]`); what
/// Swift cannot do (lookbehind, backreferences by name in some forms) fails to compile with a
/// clear message instead of being ignored. `Regex` is not `Sendable`, so each one sits behind a
/// `Mutex`: matching is short and uncontended in practice.
final class PatternRegex: Sendable {
    let source: String
    private let regex: Mutex<Regex<AnyRegexOutput>>

    private init(source: String, regex: sending Regex<AnyRegexOutput>) {
        self.source = source
        self.regex = Mutex(regex)
    }

    /// Unanchored search, as JSON Schema's `pattern` requires.
    func matches(_ text: String) -> Bool {
        regex.withLock { r in (try? r.firstMatch(in: text)) != nil }
    }

    private static let cache = Mutex<[String: PatternRegex]>([:])

    /// Compiles (or reuses) the pattern; throws a person-readable reason on failure.
    static func compile(_ pattern: String) throws(PatternError) -> PatternRegex {
        if let hit = cache.withLock({ $0[pattern] }) { return hit }
        let translated = translate(pattern)
        let compiled: PatternRegex
        do {
            let r = try Regex(translated)
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
            compiled = PatternRegex(source: pattern, regex: r)
        } catch {
            throw PatternError(reason: "\(error)")
        }
        _ = compiled.matches("")  // lowers the program now, not during the first validation
        cache.withLock { $0[pattern] = compiled }
        return compiled
    }

    /// Rewrites the ECMA-262 spellings Swift's regex syntax reads differently.
    static func translate(_ p: String) -> String {
        guard p.contains("\\c") || p.contains("[^]") || p.contains("[]") else { return p }
        var out = ""
        var chars = Array(p)[...]
        var inClass = false
        while let c = chars.popFirst() {
            if c == "\\", let next = chars.first {
                chars = chars.dropFirst()
                if next == "c", let letter = chars.first, letter.isASCII, letter.isLetter {
                    chars = chars.dropFirst()
                    let code = letter.asciiValue! % 32
                    out += String(format2: code)
                } else {
                    out.append(c)
                    out.append(next)
                }
                continue
            }
            if !inClass && c == "[" {
                if chars.starts(with: "^]") { chars = chars.dropFirst(2); out += "[\\s\\S]"; continue }
                if chars.first == "]" { chars = chars.dropFirst(); out += "(?!)"; continue }
                inClass = true
            } else if inClass && c == "]" {
                inClass = false
            }
            out.append(c)
        }
        return out
    }
}

struct PatternError: Error {
    let reason: String
}

private extension String {
    /// `\u{1F}`-style escape for a control code.
    init(format2 code: UInt8) {
        self = "\\u{" + String(code, radix: 16) + "}"
    }
}
