@testable import ConformReports
import ConformRunner
import Foundation
import Testing

/// The transcript's exact text, which Transcript.render builds by appending rather than joining lines.
@Suite struct TranscriptTests {
    let transcript = Transcript(safe: SafeText(redactor: Redactor(secrets: []), destination: .xml))

    @Test func aFullExchangeReadsLikeCurl() {
        let x = Fixture.exchange("POST", "http://u:pw@h/x", status: 201, body: #"{"a":1}"#,
                                 requestHeaders: [("Accept", "application/json"), ("Authorization", "Bearer t0k3n")],
                                 requestBody: "{}")
        #expect(transcript.render(x) == """
            > POST http://u:***@h/x
            > Accept: application/json
            > Authorization: Bearer ***
            >
            {}

            < 201 (12 ms)
            < content-type: application/json
            <
            {"a":1}
            """)
    }

    @Test func aPassingStepKeepsTheRequestLineAndStatus() {
        #expect(transcript.render(Fixture.exchange("GET", "http://h/a?token=x", responseHeaders: [])) == "> GET http://h/a?token=***\n\n< 200 (12 ms)")
    }

    @Test func aTransportErrorHasNoResponse() {
        let x = Fixture.exchange("GET", "http://h/a", status: nil, error: "timeout after 5000 ms")
        #expect(transcript.render(x) == "> GET http://h/a\n\n! timeout after 5000 ms (12 ms)")
        #expect(transcript.render([x, x]) == [transcript.render(x), transcript.render(x)].joined(separator: "\n\n"))
    }

    /// The transcript as it was built before it was appended piece by piece: lines joined with "\n".
    func reference(_ x: Exchange, _ t: Transcript) -> String {
        let safe = t.safe
        func ms(_ seconds: Double) -> String {
            guard seconds.isFinite, seconds >= 0 else { return "0 ms" }
            return "\(Int((seconds * 1000).rounded())) ms"
        }
        var lines = ["> " + safe.text(x.method) + " " + safe.url(x.url)]
        for h in x.requestHeaders { lines.append("> " + safe.text(h.name) + ": " + safe.header(h.name, h.value)) }
        if !x.requestBody.isEmpty {
            lines.append(">")
            lines.append(TextLimit.capped(safe.bytes(x.requestBody), maxBytes: t.maxBodyBytes))
        }
        lines.append("")
        if let status = x.status {
            lines.append("< \(status) (\(ms(x.duration)))")
            for h in x.responseHeaders { lines.append("< " + safe.text(h.name) + ": " + safe.header(h.name, h.value)) }
            if !x.responseBody.isEmpty {
                lines.append("<")
                lines.append(TextLimit.capped(safe.bytes(x.responseBody), maxBytes: t.maxBodyBytes))
            }
        }
        if let error = x.error { lines.append("! \(safe.text(error)) (\(ms(x.duration)))") }
        return lines.joined(separator: "\n")
    }

    @Test func appendingGivesTheSameTextAsJoiningLines() {
        let secret = "tok-secret-0123456789"
        var masked = Transcript(safe: SafeText(redactor: Redactor(secrets: [KnownSecret(name: "t", value: secret)]), destination: .xml))
        masked.maxBodyBytes = 64
        let long = String(repeating: "é\u{1B}[31m\(secret) ", count: 20)
        var exchanges = [
            Fixture.exchange("GET", "http://h/a"),
            Fixture.exchange("GET", "http://h/access-tokens/\(secret)?token=x#f", responseHeaders: []),
            Fixture.exchange("PUT", "http://u:p@h/\u{0}x", status: 500, body: long, requestHeaders: [("Cookie", "a=b"), ("X-\u{7}", secret)],
                             requestBody: #"{"password":"p","k":"\#(secret)"}"#, responseHeaders: [("Set-Cookie", "s"), ("X", "y")]),
            Fixture.exchange("DELETE", "http://h/b", status: nil, error: "refused \(secret)\n\u{1B}]0;t\u{7}"),
            Fixture.exchange("POST", "http://h/c", status: 204, body: "", requestBody: long, error: "late"),
        ]
        for duration in [Double.nan, -1, 0, 0.0004999, 0.0005, 12.3456, 1e9] {
            exchanges.append(Exchange(method: "GET", url: "http://h/d", requestHeaders: [], requestBody: [], status: 200,
                                      responseHeaders: [], responseBody: [], duration: duration, error: nil))
        }
        for t in [transcript, masked] {
            for x in exchanges { #expect(t.render(x) == reference(x, t)) }
            #expect(t.render(exchanges) == exchanges.map { reference($0, t) }.joined(separator: "\n\n"))
            #expect(t.render([exchanges[2]]) == reference(exchanges[2], t))
            #expect(t.render([]) == "")
        }
    }

    /// `indented` looks for a line-feed byte before Foundation's `contains`, which alone decided before.
    @Test func indentedMatchesTheFoundationCheck() {
        for text in ["", "one line", "a\nb", "a\r\nb", "\n", "é\n\u{301}x", "tab\tonly"] {
            let reference = text.range(of: "\n") != nil
                ? text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ") : text
            #expect(OutcomeText.indented(text, "    ") == reference)
        }
    }
}
