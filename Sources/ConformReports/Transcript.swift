import ConformRunner

/// Renders a step's HTTP exchanges as text, curl style: `>` request lines, `<` response lines.
struct Transcript: Sendable {
    let safe: SafeText
    /// Cap for each request or response body inside a transcript.
    var maxBodyBytes = 16 * 1024

    /// All exchanges of a step, separated by blank lines.
    func render(_ exchanges: [Exchange]) -> String {
        exchanges.map(render).joined(separator: "\n\n")
    }

    func render(_ x: Exchange) -> String {
        // Appended to one string, lines separated by "\n": every testcase of a report has a transcript,
        // and an array of lines joined at the end cost a third of the report's writing time.
        var out = ""
        out.reserveCapacity(x.url.utf8.count + 32)
        func line(_ s: String) {
            out += "\n"
            out += s
        }
        out += "> " + safe.text(x.method) + " " + safe.url(x.url)
        for h in x.requestHeaders { line("> " + safe.text(h.name) + ": " + safe.header(h.name, h.value)) }
        if !x.requestBody.isEmpty {
            line(">")
            line(TextLimit.capped(safe.bytes(x.requestBody), maxBytes: maxBodyBytes))
        }
        line("")
        if let status = x.status {
            line("< \(status) (\(Self.milliseconds(x.duration)))")
            for h in x.responseHeaders { line("< " + safe.text(h.name) + ": " + safe.header(h.name, h.value)) }
            if !x.responseBody.isEmpty {
                line("<")
                line(TextLimit.capped(safe.bytes(x.responseBody), maxBytes: maxBodyBytes))
            }
        }
        if let error = x.error {
            line("! \(safe.text(error)) (\(Self.milliseconds(x.duration)))")
        }
        return out
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
        return "\(Int((seconds * 1000).rounded())) ms"
    }
}
