import ConformHTTP
import ConformTestSupport
import Testing

/// Certificate verification is on by default; `insecure` and `caCertPath` relax it per request.
@Suite(.enabled(if: TLSTestServer.isAvailable, "needs the openssl command line tool"))
struct TLSTests {
    @Test func verificationOptionsApplyPerRequestOnAReusedHandle() async throws {
        let server = try TLSTestServer()
        defer { server.stop() }
        let client = HTTPClient(maxConnections: 1)  // one easy handle: options must not leak between requests
        let request = HTTPRequest(url: server.url("/"))

        let untrusted = await failure(of: request, on: client)
        #expect(untrusted?.kind == "tls", "\(String(describing: untrusted))")
        #expect(untrusted?.description.contains("--ca-cert") == true)

        let insecure = try await client.send(request, options: TransferOptions(timeout: .seconds(5), insecure: true))
        #expect(insecure.status == 200)
        #expect(insecure.httpVersion == "1.0")

        #expect(await failure(of: request, on: client)?.kind == "tls")  // insecure did not stick

        let trusted = try await client.send(
            request, options: TransferOptions(timeout: .seconds(5), caCertPath: server.certificatePath))
        #expect(trusted.status == 200)
        #expect(String(decoding: trusted.body, as: UTF8.self).contains("<HTML>"))

        #expect(await failure(of: request, on: client)?.kind == "tls")  // nor did the CA file
    }

    @Test func plainHTTPServerOnAnHTTPSURLIsATLSError() async throws {
        let server = try ScriptedServer { connection in
            _ = try? connection.readRequest(timeout: .milliseconds(100))  // a ClientHello, not HTTP
            try connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            connection.close()
        }
        defer { server.stop() }
        let error = await failure(of: HTTPRequest(url: "https://127.0.0.1:\(server.port)/"), on: HTTPClient())
        #expect(error?.kind == "tls", "\(String(describing: error))")
    }
}
