import ConformHTTP
import ConformTestSupport
import Testing

/// What goes over the wire, and how responses are read back.
@Suite struct RequestTests {
    let client = HTTPClient(maxConnections: 8)

    @Test(arguments: ["POST", "PUT", "PATCH", "DELETE"])
    func methodWithBodyAndHeadersArrivesExactly(method: String) async throws {
        let server = try ScriptedServer { _ in Reply(status: 200, text: "ok") }
        defer { server.stop() }
        let body: [UInt8] = [0x7B, 0x00, 0xFF, 0x0D, 0x0A, 0xC3, 0x28, 0x7D]  // NUL, CRLF, invalid UTF-8
        let request = HTTPRequest(method: method, url: server.url("/things/1?x=a%20b&y=2"),
                                  headers: [HTTPHeader(name: "X-Trace", value: "abc 123"),
                                            HTTPHeader(name: "X-Multi", value: "one"),
                                            HTTPHeader(name: "X-Multi", value: "two")],
                                  body: body)
        let response = try await client.send(request, options: quick)
        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))

        let received = try #require(server.requests.first)
        #expect(received.method == method)
        #expect(received.target == "/things/1?x=a%20b&y=2")
        #expect(received.body == body)
        #expect(received.header("x-trace") == "abc 123")
        #expect(received.headers(named: "X-Multi") == ["one", "two"])
        // Nothing libcurl would add on its own (Accept, Expect, a form Content-Type) is sent.
        #expect(Set(received.headers.map { $0.name.lowercased() }) == ["host", "x-trace", "x-multi", "content-length"])
        #expect(received.header("Content-Length") == "\(body.count)")
    }

    @Test func reusedHandlesCarryNothingOver() async throws {
        let server = try ScriptedServer { request in
            Reply(status: 200, headers: [("Content-Length", request.method == "HEAD" ? "3" : "2")],
                  body: request.method == "HEAD" ? [] : Array("ok".utf8))
        }
        defer { server.stop() }
        let client = HTTPClient(maxConnections: 1)  // one handle, reused by every step
        let big = [UInt8](repeating: 0x5A, count: 70_000)
        let steps: [(String, [UInt8]?, [HTTPHeader])] = [
            ("POST", big, [HTTPHeader(name: "Content-Type", value: "application/octet-stream")]),
            ("GET", nil, []),
            ("DELETE", nil, [HTTPHeader(name: "X-A", value: "1")]),
            ("HEAD", nil, [HTTPHeader(name: "X-A", value: "1")]),
            ("GET", nil, []),
            ("PUT", [1, 2, 3], []),
            ("POST", nil, []),
            ("DELETE", [9], []),
            ("OPTIONS", nil, []),
            ("GET", nil, [HTTPHeader(name: "Accept", value: "text/plain")]),
        ]
        for (method, body, headers) in steps {
            let response = try await client.send(HTTPRequest(method: method, url: server.url("/\(method)"),
                                                             headers: headers, body: body), options: quick)
            #expect(response.status == 200)
            #expect(response.body == (method == "HEAD" ? [] : Array("ok".utf8)))
        }
        let received = server.requests
        try #require(received.count == steps.count)
        for ((method, body, headers), request) in zip(steps, received) {
            #expect(request.method == method)
            #expect(request.body == (body ?? []), "\(method)")
            let expectedNames = Set(["host"] + headers.map { $0.name.lowercased() }
                + (body != nil || method == "POST" ? ["content-length"] : []))
            #expect(Set(request.headers.map { $0.name.lowercased() }) == expectedNames, "\(method)")
        }
        #expect(server.connectionsAccepted == 1)
    }

    /// A handle keeps the header lists of its last few requests: headers seen again are sent from
    /// the kept list, and after more distinct sets than it keeps, the evicted ones are built again.
    @Test func aReusedHandleSendsEachRequestsOwnHeaders() async throws {
        let server = try ScriptedServer { _ in Reply(status: 204) }
        defer { server.stop() }
        let client = HTTPClient(maxConnections: 1)  // one handle for every request
        let sets: [[HTTPHeader]] = (0..<6).map { n in
            (0..<n).map { HTTPHeader(name: "X-H\($0)", value: "v\(n)") }
        }
        let order = [0, 1, 0, 1, 2, 3, 4, 5, 0, 1, 5, 4, 4, 2, 0]  // hits, misses, evictions, rebuilt lists
        for n in order {
            let response = try await client.send(HTTPRequest(url: server.url("/\(n)"), headers: sets[n]), options: quick)
            #expect(response.status == 204)
        }
        let received = server.requests
        try #require(received.count == order.count)
        for (n, request) in zip(order, received) {
            #expect(request.target == "/\(n)")
            #expect(request.headers.filter { $0.name != "Host" }.map { "\($0.name): \($0.value)" }
                == sets[n].map { "\($0.name): \($0.value)" }, "request \(n)")
        }
    }

    @Test func getSendsOnlyTheGivenHeaders() async throws {
        let server = try ScriptedServer { _ in Reply(status: 204) }
        defer { server.stop() }
        let response = try await client.send(
            HTTPRequest(url: server.url("/a/../b"), headers: [HTTPHeader(name: "Accept", value: "application/json"),
                                                             HTTPHeader(name: "X-Empty", value: "")]),
            options: quick)
        #expect(response.status == 204)
        let received = try #require(server.requests.first)
        #expect(received.method == "GET")
        #expect(received.target == "/a/../b")  // path sent as given, not normalised
        #expect(received.body.isEmpty)
        #expect(received.headers.map(\.name) == ["Host", "Accept", "X-Empty"])
        #expect(received.header("X-Empty") == "")
    }

    @Test func postWithoutBodySendsZeroLength() async throws {
        let server = try ScriptedServer { _ in Reply(status: 201) }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/x")), options: quick)
        #expect(response.status == 201)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.header("Content-Length") == "0")
        #expect(received.header("Content-Type") == nil)
    }

    @Test func userContentTypeAndExpectAreKept() async throws {
        let server = try ScriptedServer { _ in Reply(status: 200) }
        defer { server.stop() }
        _ = try await client.send(
            HTTPRequest(method: "POST", url: server.url("/"),
                        headers: [HTTPHeader(name: "Content-Type", value: "application/json")], body: Array("{}".utf8)),
            options: quick)
        let received = try #require(server.requests.first)
        #expect(received.header("Content-Type") == "application/json")
        #expect(received.header("Expect") == nil)
        #expect(received.bodyText == "{}")
    }

    @Test func headReadsNoBody() async throws {
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                // A HEAD answer announces a body it never sends; reading one would hang.
                try connection.respond(status: 200, headers: [("Content-Length", "100000000")],
                                       body: request.method == "HEAD" ? [] : [1])
            }
        }
        defer { server.stop() }
        let (response, time) = try await elapsed {
            try await client.send(HTTPRequest(method: "HEAD", url: server.url("/big")),
                                  options: TransferOptions(timeout: .seconds(2), maxBodyBytes: 10))
        }
        #expect(response.status == 200)
        #expect(response.header("content-length") == "100000000")
        #expect(response.body.isEmpty)
        #expect(time < .seconds(10))
        #expect(server.requests.first?.method == "HEAD")
    }

    @Test func statusVersionAndRepeatedHeadersAreParsed() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\n"
                + "X-Folded: first\r\n  second\r\nset-cookie: b=2\r\nX-Spaces:   padded  \r\nContent-Length: 2\r\n\r\n{}")
            _ = connection.waitForPeerClose(timeout: .seconds(2))
        }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/")), options: quick)
        #expect(response.status == 201)
        #expect(response.httpVersion == "1.1")
        #expect(response.header("CONTENT-TYPE") == "application/json")
        #expect(response.headers(named: "Set-Cookie") == ["a=1", "b=2"])
        #expect(response.header("x-folded") == "first second")
        #expect(response.header("X-Spaces") == "padded")
        #expect(response.headers.map(\.name) == ["Content-Type", "Set-Cookie", "X-Folded", "set-cookie", "X-Spaces",
                                                 "Content-Length"])
        #expect(response.body == Array("{}".utf8))
        #expect(response.timing.total > .zero)
        #expect(response.timing.firstByte <= response.timing.total)
    }

    @Test func interimResponsesAreDropped() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")
            try connection.respond(status: 200, headers: [("X-Final", "yes")], text: "done")
        }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/"), body: [1]),
                                             options: quick)
        #expect(response.status == 200)
        #expect(response.header("X-Interim") == nil)
        #expect(response.header("X-Final") == "yes")
    }

    @Test func redirectIsReturnedNotFollowed() async throws {
        let server = try ScriptedServer { request in
            request.target == "/start" ? Reply(status: 302, headers: [("Location", "/target")], text: "moved")
                : Reply(status: 200, text: "target")
        }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/start")), options: quick)
        #expect(response.status == 302)
        #expect(response.header("Location") == "/target")
        #expect(response.body == Array("moved".utf8))
        #expect(server.requests.map(\.target) == ["/start"])
    }

    @Test func invalidUTF8BodyIsKeptRaw() async throws {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x00, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x41]
        let server = try ScriptedServer { _ in Reply(status: 200, headers: [("Content-Type", "text/plain")], body: bytes) }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/")), options: quick)
        #expect(response.body == bytes)
    }

    @Test func nonJSONBodyIsReturnedAsIs() async throws {
        let server = try ScriptedServer { _ in
            Reply(status: 500, headers: [("Content-Type", "application/json")], text: "<html>oops</html>")
        }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/")), options: quick)
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self) == "<html>oops</html>")
    }

    @Test func headerWithLineBreakIsRejectedBeforeSending() async throws {
        let server = try ScriptedServer { _ in Reply(status: 200) }
        defer { server.stop() }
        let bad = HTTPRequest(url: server.url("/"), headers: [HTTPHeader(name: "X-A", value: "1\r\nX-Injected: 2")])
        #expect(await failure(of: bad, on: client) == .invalidRequest(
            "the value of header 'X-A' contains a line break or NUL"))
        let badMethod = HTTPRequest(method: "GET /x", url: server.url("/"))
        #expect(await failure(of: badMethod, on: client)?.kind == "invalidRequest")
        #expect(server.connectionsAccepted == 0)
    }

    @Test(arguments: ["ftp://127.0.0.1/x", "file:///etc/passwd", "http://exa mple.com/", "http://[::1/"])
    func invalidURLsAreClassified(url: String) async {
        let error = await failure(of: HTTPRequest(url: url), on: client)
        #expect(error?.kind == "invalidURL", "\(String(describing: error))")
    }
}
