@testable import ConformReports
import ConformJSON
@testable import ConformRunner
import Foundation
import Testing

@Suite struct SecretTests {
    static let token = "dckr_oat_S3cr3t+Value/With=Chars"
    static let secrets = [KnownSecret(name: "dockerhub.token", value: token)]
    static var base64: String { Data(token.utf8).base64EncodedString() }
    /// Percent-encoded as clients do it: unreserved characters (RFC 3986) stay.
    static var percent: String {
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        return token.addingPercentEncoding(withAllowedCharacters: unreserved)!
    }

    /// A run where the secret shows up raw, base64-encoded, URL-encoded and in credential headers.
    static func leakyRun(prefix: String) -> RunResult {
        let s = Fixture.scenario("scenarios/\(prefix)/secrets.json", "secret handling", [
            Fixture.step(1, "create a token", line: 4, exchanges: [
                Fixture.exchange("POST", "http://127.0.0.1:8080/v2/access-tokens", status: 201,
                                 body: #"{"token":"\#(token)"}"#,
                                 requestHeaders: [("Authorization", "Basic dXNlcjpwYXNzd29yZA=="), ("Content-Type", "application/json")],
                                 requestBody: #"{"label":"ci"}"#),
            ]),
            Fixture.step(2, "token never comes back", line: 9, .failed([
                CheckFailure(kind: "secret", message: "response discloses the token \(token)", expected: "no token", actual: token),
            ]), exchanges: [
                Fixture.exchange("GET", "http://127.0.0.1:8080/v2/access-tokens?token=\(percent)&page=1", status: 200,
                                 body: "echo: \(token)\nb64: \(base64)\npct: \(percent)",
                                 requestHeaders: [("Authorization", "Bearer \(token)"), ("X-Trace", "t-\(token)")],
                                 responseHeaders: [("Set-Cookie", "session=abcdef123456"), ("X-Echo", base64)]),
            ]),
            Fixture.step(3, "log in as user:pass", line: 12, .error(StepError(kind: "connection", message: "refused: http://u:pw-123456@127.0.0.1:1/"))),
        ])
        return Fixture.run([s], secrets: secrets, properties: [("base_url", "http://admin:hunter22@127.0.0.1:8080/?api_key=k-999999"),
                                                                 ("token.hint", token)])
    }

    func assertClean(_ bytes: [UInt8]) {
        #expect(!bytes.isEmpty)
        #expect(Redactor(secrets: Self.secrets).firstLeak(in: bytes) == nil)
        #expect(!bytes.contains(Self.token) && !bytes.contains(Self.base64) && !bytes.contains(Self.percent))
        #expect(!bytes.contains("dXNlcjpwYXNzd29yZA"), "Basic credentials are masked by header name")
        #expect(!bytes.contains("abcdef123456"), "cookies are masked by header name")
        #expect(!bytes.contains("hunter22") && !bytes.contains("pw-123456"), "URL passwords are masked even when unknown")
        #expect(!bytes.contains("k-999999"), "credential query parameters are masked by name")
    }

    @Test func junitMasksEverySpelling() throws {
        let path = Fixture.outputPath("TEST-secrets.xml")
        try JUnitReport.write(Self.leakyRun(prefix: "secrets"), to: path)
        let bytes = Fixture.bytes(path)
        assertClean(bytes)
        #expect(bytes.contains("&lt;secret:dockerhub.token&gt;"))
        let xml = try ParsedXML(path: path)
        let failure = try #require(try xml.elements("//failure").first)
        #expect(failure[attribute: "type"] == "SecretDisclosed")
        #expect(failure[attribute: "message"] == "response discloses the token <secret:dockerhub.token>")
        #expect(try xml.elements("//error").first?[attribute: "type"] == "ConnectionError")
        let out = try #require(try xml.elements("//system-out").last?.stringValue)
        #expect(out.contains("Authorization: Bearer ***"))
        #expect(out.contains("token=***&page=1"))
    }

    @Test func jsonMasksEverySpelling() throws {
        let path = Fixture.outputPath("secrets.json")
        try JSONReport.write(Self.leakyRun(prefix: "secrets-json"), to: path)
        assertClean(Fixture.bytes(path))
        let back = try JSONReport.read(path)
        #expect(back.secrets.isEmpty)
        #expect(back.properties.first?.value == "http://admin:***@127.0.0.1:8080/?api_key=***")
        #expect(back.properties.last?.value == "<secret:dockerhub.token>")
    }

    @Test func consoleMasksEverySpelling() {
        let text = ConsoleRenderer(secrets: Self.secrets, color: false).render(Self.leakyRun(prefix: "secrets-console"))
        assertClean(Array(text.utf8))
        #expect(text.contains("<secret:dockerhub.token>"))
    }

    @Test func aLeakMaskingMissedAbortsTheJUnitWrite() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/TEST-leak.xml"
        try Array("previous report\n".utf8).write(to: path)
        // Mask with nothing, scan with the real secrets: the scan is the last line of defence.
        #expect(throws: ReportError.secretLeak(secretName: "dockerhub.token", path: path)) {
            try JUnitReport.write(Self.leakyRun(prefix: "leak"), to: path, options: JUnitOptions(), masking: Redactor(secrets: []))
        }
        #expect(Fixture.bytes(path) == Array("previous report\n".utf8), "the old file is left as it was")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["TEST-leak.xml"], "no temporary file is left behind")
    }

    @Test func errorNamesTheSecretNotItsValue() {
        let error = ReportError.secretLeak(secretName: "dockerhub.token", path: "reports/x.xml")
        #expect(error.description.contains("dockerhub.token"))
        #expect(!error.description.contains(Self.token))
    }

    @Test func byteWriterRefusesLeakingBytes() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = ReportFileWriter(secrets: Self.secrets)
        for leak in [Self.token, Self.base64, Self.percent, Self.base64.replacingOccurrences(of: "=", with: "")] {
            #expect(throws: ReportError.self) { try writer.write(Array("x \(leak) y".utf8), to: dir + "/out.json") }
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.json"))
        try writer.write(Array("clean".utf8), to: dir + "/out.json")
        #expect(Fixture.bytes(dir + "/out.json") == Array("clean".utf8))
    }

    @Test func fileScanFindsASecretAcrossAChunkBorder() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = ReportFileWriter(secrets: Self.secrets)
        let border = ReportFileWriter.chunkSize
        for offset in [border - 10, border - 1, border, 2 * border - 5] {
            var bytes = [UInt8](repeating: UInt8(ascii: "."), count: 2 * border + 100)
            let secret = Array(Self.base64.utf8)
            bytes.replaceSubrange(offset..<(offset + secret.count), with: secret)
            try bytes.write(to: dir + "/big.bin")
            #expect(try writer.firstLeak(inFileAt: dir + "/big.bin") == "dockerhub.token", "secret at \(offset)")
        }
        try [UInt8](repeating: UInt8(ascii: "."), count: 2 * border + 100).write(to: dir + "/clean.bin")
        #expect(try writer.firstLeak(inFileAt: dir + "/clean.bin") == nil)
    }

    @Test func urlPasswordsAreMasked() {
        #expect(Redactor.withoutPasswords("https://user:pw@host:8443/p?q=1") == "https://user:***@host:8443/p?q=1")
        #expect(Redactor.withoutPasswords("https://user@host/p") == "https://user@host/p")
        #expect(Redactor.withoutPasswords("https://host/p?email=a:b@c") == "https://host/p?email=a:b@c")
        #expect(Redactor.withoutPasswords("not a url") == "not a url")
        #expect(Redactor.withoutPasswords("see http://a:b@x and \"ftp://c:d@y\" or https://z") == "see http://a:***@x and \"ftp://c:***@y\" or https://z")
    }

    /// ASCII text takes a byte-level path (bench/RESULTS.md); it must agree with the general one, which
    /// non-ASCII text still takes.
    @Test func urlPasswordsAreMaskedAlikeOnBothPaths() {
        let cases = ["http://u:p@h", "x://:@", "a://b:c@d:e@f/g", "http://u:p@h\tand\nhttp://v:q@i", "://", "ab://",
                     "http://u:p@h?x=http://v:q@i#frag", "'http://u:p@h' <http://v:q@i>", "http://u:p@h\rhttp://w:r@j"]
        for text in cases {
            #expect(Redactor.asciiWithoutPasswords(text) == Redactor.withoutPasswords(text + "é").dropLast(), "\(text)")
        }
        #expect(Redactor.withoutPasswords("é http://u:p@h/x") == "é http://u:***@h/x")
    }

    /// The quick test that lets most texts skip the credential-field regex must never skip a real one.
    @Test func credentialFieldsAreMaskedInAnyCase() {
        let redactor = Redactor(secrets: [])
        #expect(redactor.mask(#"{"Access_Token": "abc", "n": 1}"#) == #"{"Access_Token": "***", "n": 1}"#)
        #expect(redactor.mask(#"{"PASSWORD":"x\"y"}"#) == #"{"PASSWORD":"***"}"#)
        #expect(redactor.mask(#"{"client_secret": "s"}"#) == #"{"client_secret": "***"}"#)
        #expect(redactor.mask(#"{"name": "token-less", "id": 3}"#) == #"{"name": "token-less", "id": 3}"#)
        #expect(!Redactor.mayHaveCredentialField(#"{"name": "x", "id": 3}"#))
        #expect(Redactor.mayHaveCredentialField(#"{"API_KEY": "x"}"#))
        #expect(Redactor.mayHaveCredentialField("non-ASCII: é"), "non-ASCII text always goes to the regex")
    }

    /// The byte search starts from the needle's rarest byte, not its first: it must find exactly
    /// what a plain search finds, at the start, the end and everywhere between.
    @Test func anchoredSearchFindsWhatAPlainSearchFinds() {
        func plain(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
            guard !needle.isEmpty, hay.count >= needle.count else { return false }
            return (0...(hay.count - needle.count)).contains { Array(hay[$0..<($0 + needle.count)]) == needle }
        }
        let alphabet = Array("tG-".utf8)
        var hays: [[UInt8]] = [[]]
        var longest: [[UInt8]] = [[]]
        for _ in 0..<6 {  // every text of up to 6 bytes over the alphabet
            longest = longest.flatMap { h in alphabet.map { h + [$0] } }
            hays += longest
        }
        let needles = ["t", "G", "tG", "Gt", "t-G", "tt-", "-GG", "tGt-", "ttttt"].map { Array($0.utf8) } + [[]]
        var mismatches: [String] = []
        for needle in needles {
            for anchor in needle.isEmpty ? [0] : Array(needle.indices) {
                for hay in hays where hay.withUnsafeBufferPointer({ Redactor.contains($0, needle, anchor: anchor) }) != plain(hay, needle) {
                    mismatches.append("\(hay) \(needle) anchor \(anchor)")
                }
            }
        }
        #expect(mismatches.isEmpty)
        #expect(Redactor.anchor(of: Array("tok-secret-0123456789".utf8)) == 2, "k is rarer than t and o")
        #expect(Redactor.anchor(of: Array("dG9rLXNlY3JldA".utf8)) == 1, "an uppercase letter is rarer than lowercase")
        let redactor = Redactor(secrets: [KnownSecret(name: "t", value: "tok-secret-0123456789")])
        for text in ["tok-secret-0123456789", "x tok-secret-0123456789", "tok-secret-0123456789 x", "tok-secret-012345678"] {
            #expect(redactor.firstLeak(in: Array(text.utf8)) == (text.hasSuffix("8") ? nil : "t"))
            #expect(redactor.mask(text) == text.replacingOccurrences(of: "tok-secret-0123456789", with: "<secret:t>"))
        }
    }
}

extension Array where Element == UInt8 {
    func write(to path: String) throws {
        try Data(self).write(to: URL(fileURLWithPath: path))
    }
}
