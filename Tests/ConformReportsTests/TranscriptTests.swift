@testable import ConformReports
import ConformRunner
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
}
