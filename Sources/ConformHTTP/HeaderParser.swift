/// Parses the raw header block libcurl hands to the header callback.
enum HeaderParser {
    /// Fields after the status line up to the blank line (trailers after it are ignored).
    /// Obsolete line folding is joined with a space; lines without a colon are skipped.
    static func fields(of bytes: [UInt8]) -> [HTTPHeader] {
        var fields: [HTTPHeader] = []
        var lineStart = 0
        var isStatusLine = true
        while lineStart < bytes.count {
            var lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let next = lineEnd + 1
            if lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = bytes[lineStart..<lineEnd]
            lineStart = next
            if isStatusLine { isStatusLine = false; continue }
            if line.isEmpty { break }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                if !fields.isEmpty {
                    let more = text(trimmed(line))
                    fields[fields.count - 1].value += fields[fields.count - 1].value.isEmpty ? more : " " + more
                }
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            fields.append(HTTPHeader(name: text(line[..<colon]), value: text(trimmed(line[(colon + 1)...]))))
        }
        return fields
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 32 || f == 9 { s.removeFirst() }
        while let l = s.last, l == 32 || l == 9 { s.removeLast() }
        return s
    }

    /// UTF-8 when valid, else Latin-1 (the historical charset of header bytes), so no byte is lost.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        // Header bytes are nearly always ASCII: copy them straight in, skipping validation.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(scalars)
    }
}
