/// Makes untrusted text (server bodies, messages) safe for XML files and terminals.
///
/// ANSI escape sequences are removed whole (a colour code is noise, and half of one is
/// garbage); any other character the destination cannot take is shown as `\u{hex}` so a
/// reader still sees that it was there. Swift strings cannot hold lone surrogates: invalid
/// UTF-8 already became U+FFFD when the bytes were decoded.
public enum TextSanitizer {
    /// Where the text goes, which decides the characters that pass unchanged.
    public enum Destination: Sendable {
        /// XML 1.0 `Char`: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
        case xml
        /// A terminal: TAB and LF, printable characters; no C0/C1 controls, no DEL, no CR.
        case terminal
        /// JSON, which can escape every character: nothing changes.
        case json

        func allows(_ v: UInt32) -> Bool {
            switch self {
            case .xml:
                v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v)
                    || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
            case .terminal:
                v == 0x9 || v == 0xA || (v >= 0x20 && v != 0x7F && !(0x80...0x9F).contains(v))
            case .json:
                true
            }
        }
    }

    /// `text` with ANSI escape sequences removed and every other disallowed character escaped.
    public static func sanitized(_ text: String, for destination: Destination = .xml) -> String {
        // Fast path: almost every string is clean and is returned as is.
        if text.isPrintableASCII || text.unicodeScalars.allSatisfy({ destination.allows($0.value) }) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == 0x1B, let end = escapeSequenceEnd(scalars, from: i) {
                i = end
                continue
            }
            if destination.allows(v) {
                out.append(scalars[i])
            } else {
                out.append(contentsOf: "\\u{\(String(v, radix: 16))}".unicodeScalars)
            }
            i += 1
        }
        return String(out)
    }

    /// The index after the escape sequence starting with ESC at `start`, or `nil` when it is not one.
    static func escapeSequenceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        guard i < s.count else { return nil }
        let introducer = s[i].value
        switch introducer {
        case 0x5B: // "[": CSI parameters, intermediates, one final byte.
            i += 1
            while i < s.count, (0x30...0x3F).contains(s[i].value) { i += 1 }
            while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
            guard i < s.count, (0x40...0x7E).contains(s[i].value) else { return nil }
            return i + 1
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F: // "]" OSC, "P" DCS, "X" SOS, "^" PM, "_" APC: up to BEL or ESC "\".
            i += 1
            while i < s.count {
                if s[i].value == 0x07 { return i + 1 }
                if s[i].value == 0x1B, i + 1 < s.count, s[i + 1].value == 0x5C { return i + 2 }
                i += 1
            }
            return nil
        case 0x20...0x2F: // nF: intermediates, then one final byte (e.g. ESC ( B).
            while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
            guard i < s.count, (0x30...0x7E).contains(s[i].value) else { return nil }
            return i + 1
        case 0x30...0x7E: // Fp, Fe, Fs: two characters (e.g. ESC 7, ESC c).
            return i + 1
        default:
            return nil
        }
    }

    /// `text` on one line: line breaks and tabs become spaces, runs of spaces collapse,
    /// because XML normalizes newlines in attribute values and viewers show one line.
    public static func oneLine(_ text: String) -> String {
        guard !text.isPrintableASCII, text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
        var out = ""
        var lastWasSpace = false
        for ch in text {
            let space = ch.isNewline || ch == "\t" || ch == " "
            if space {
                if !lastWasSpace { out.append(" ") }
            } else {
                out.append(ch)
            }
            lastWasSpace = space
        }
        return out.trimmingSpaces()
    }
}

extension String {
    /// Only U+0020…U+007E: safe everywhere, on one line. Checked on UTF-8 bytes, the cheap view.
    /// On the contiguous UTF-8 buffer: every string of a report is checked, and iterating `utf8` cost more.
    var isPrintableASCII: Bool {
        var text = self
        return text.withUTF8 { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
    }

    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
