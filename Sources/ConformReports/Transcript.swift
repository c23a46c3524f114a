import ConformRunner

/// Renders a step's HTTP exchanges as text, curl style: `>` request lines, `<` response lines.
struct Transcript: Sendable {
    let safe: SafeText
    /// Cap for each request or response body inside a transcript.
    var maxBodyBytes = 16 * 1024

    /// All exchanges of a step, separated by blank lines.
    func render(_ exchanges: [Exchange]) -> String {
        // Nearly every step has one exchange: no array of texts to join.
        if exchanges.count == 1 { return render(exchanges[0]) }
        return exchanges.map(render).joined(separator: "\n\n")
    }

    func render(_ x: Exchange) -> String {
        // Gathered as UTF-8 and made a String once, lines separated by "\n": every testcase of a
        // report has a transcript, and joining lines, `a + b` temporaries and even appending to a
        // String piece by piece were each a visible part of writing a large report.
        var out = UTF8Builder(capacity: x.url.utf8.count + 48)
        func header(_ prefix: String, _ h: (name: String, value: String)) {
            out += prefix
            out += safe.text(h.name)
            out += ": "
            out += safe.header(h.name, h.value)
        }
        out += "> "
        out += safe.text(x.method)
        out += " "
        out += safe.url(x.url)
        for h in x.requestHeaders { header("\n> ", h) }
        if !x.requestBody.isEmpty {
            out += "\n>\n"
            out += TextLimit.capped(safe.bytes(x.requestBody), maxBytes: maxBodyBytes)
        }
        out += "\n"
        if let status = x.status {
            out += "\n< "
            out += String(status)
            out += " ("
            out += Self.milliseconds(x.duration)
            out += ")"
            for h in x.responseHeaders { header("\n< ", h) }
            if !x.responseBody.isEmpty {
                out += "\n<\n"
                out += TextLimit.capped(safe.bytes(x.responseBody), maxBytes: maxBodyBytes)
            }
        }
        if let error = x.error {
            out += "\n! "
            out += safe.text(error)
            out += " ("
            out += Self.milliseconds(x.duration)
            out += ")"
        }
        return out.string
    }

    /// One line naming the exchange and its result: `GET https://… -> 404`.
    func summary(_ x: Exchange) -> String {
        let result = x.status.map(String.init) ?? x.error.map { "no response: " + safe.text(TextSanitizer.oneLine($0)) } ?? "no response"
        return "\(safe.text(x.method)) \(safe.url(x.url)) -> \(result)"
    }

    /// The head of the response body, masked, for failure messages.
    func responseExcerpt(_ x: Exchange, maxBytes: Int) -> String? {
        guard !x.responseBody.isEmpty else { return nil }
        return TextLimit.capped(safe.bytes(x.responseBody), maxBytes: maxBytes)
    }

    static func milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "0 ms" }
        return String(Int((seconds * 1000).rounded())) + " ms"
    }
}

/// UTF-8 gathered in one array and made a String at the end, for texts built from many pieces.
struct UTF8Builder {
    private var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    static func += (builder: inout UTF8Builder, text: String) {
        var text = text
        text.withUTF8 { builder.bytes.append(contentsOf: $0) }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
