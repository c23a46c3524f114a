import ConformJSON
import ConformMocks
import Foundation
import Synchronization
import Testing

/// The generic server: framing, keep-alive, HTTP/1.0, limits, concurrency, shutdown.
@Suite("MockHTTPServer")
struct MockHTTPServerTests {
    /// Echoes the request as JSON.
    static let echo: @Sendable (MockRequest) -> MockResponse = { request in
        if request.path == "/empty" { return .empty(204) }
        var query: JSON.Object = [:]
        for item in request.query { query[item.name] = .string(item.value) }
        return .json(200, [
            "method": .string(request.method),
            "path": .string(request.path),
            "query": .object(query),
            "x-test": request.header("X-TEST").map(JSON.string) ?? .null,
            "body": .string(String(decoding: request.body, as: UTF8.self)),
        ])
    }

    @discardableResult
    private func withServer<T>(maxBodyBytes: Int = 1 << 20, threads: Int = 1,
                               handler: @escaping @Sendable (MockRequest) -> MockResponse = echo,
                               _ body: (MockHTTPServer) async throws -> T) async throws -> T {
        let server = try await MockHTTPServer.start(port: 0, maxBodyBytes: maxBodyBytes, threads: threads, handler: handler)
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    @Test func handsTheRequestToTheHandlerAsSent() async throws {
        try await withServer { server in
            let client = TestClient(baseURL: server.baseURL)
            let reply = try await client.send("PATCH", "/a/b%2Fc:x?q=a%20b&plus=1+2&flag&=skip", body: Array("payload".utf8),
                                              headers: ["x-test": "yes"])
            #expect(reply.status == 200)
            #expect(reply["/method"] == "PATCH")
            #expect(reply["/path"] == "/a/b%2Fc:x")
            #expect(reply["/query"] == ["q": "a b", "plus": "1 2", "flag": ""])
            #expect(reply["/x-test"] == "yes")
            #expect(reply["/body"] == "payload")
            #expect(reply.headers["content-length"] == String(reply.body.count))
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            #expect(server.port > 0)
        }
    }

    @Test func keepsHTTP11ConnectionsAliveAndAnswersPipelinedRequestsInOrder() async throws {
        try await withServer { server in
            let c = try RawConnection(port: server.port)
            try c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = try #require(try c.readResponse())
            #expect(first.status == 200)
            #expect(first.headers["connection"] == nil)
            try c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\nGET /three HTTP/1.1\r\nHost: x\r\n\r\nPOST /four HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            var paths: [String] = []
            for _ in 0..<3 {
                let r = try #require(try c.readResponse())
                paths.append((try? JSONParser.value(r.body))?["path"]?.stringValue ?? "?")
            }
            #expect(paths == ["/two", "/three", "/four"])
        }
    }

    @Test func closesHTTP11ConnectionsThatAskForIt() async throws {
        try await withServer { server in
            let c = try RawConnection(port: server.port)
            try c.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let r = try #require(try c.readResponse())
            #expect(r.headers["connection"] == "close")
            #expect(c.isClosedByPeer())
        }
    }

    @Test func answersHTTP10AndClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer { server in
            let plain = try RawConnection(port: server.port)
            try plain.send("GET /old HTTP/1.0\r\n\r\n")
            let r = try #require(try plain.readResponse())
            #expect(r.version == "HTTP/1.0")
            #expect(r.status == 200)
            #expect(plain.isClosedByPeer())

            let kept = try RawConnection(port: server.port)
            try kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let a = try #require(try kept.readResponse())
            #expect(a.headers["connection"]?.lowercased() == "keep-alive")
            try kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let b = try #require(try kept.readResponse())
            #expect((try? JSONParser.value(b.body))?["path"] == "/b")
        }
    }

    @Test func noContentResponsesCarryNoBodyOrLength() async throws {
        try await withServer { server in
            let c = try RawConnection(port: server.port)
            try c.send("DELETE /empty HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try #require(try c.readResponse())
            #expect(r.status == 204)
            #expect(r.headers["content-length"] == nil)
            #expect(r.body.isEmpty)
            let next = try #require(try c.readResponse())
            #expect((try? JSONParser.value(next.body))?["path"] == "/after")
        }
    }

    @Test func rejectsBodiesOverTheLimitWith413() async throws {
        try await withServer(maxBodyBytes: 64) { server in
            let declared = try RawConnection(port: server.port)
            try declared.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n")
            let r = try #require(try declared.readResponse())
            #expect(r.status == 413)
            #expect(r.headers["connection"] == "close")
            #expect(declared.isClosedByPeer())

            let chunked = try RawConnection(port: server.port)
            let chunk = String(repeating: "a", count: 40)
            try chunked.send("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n\(chunk)\r\n28\r\n\(chunk)\r\n0\r\n\r\n")
            #expect(try chunked.readResponse()?.status == 413)

            let atLimit = try await TestClient(baseURL: server.baseURL).send("POST", "/fits", body: Array(repeating: 98, count: 64))
            #expect(atLimit.status == 200)
            #expect(atLimit["/body"]?.stringValue?.count == 64)
        }
    }

    @Test func answersExpectContinueBeforeTheBody() async throws {
        try await withServer(maxBodyBytes: 64) { server in
            let c = try RawConnection(port: server.port)
            try c.send("POST /wait HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(try c.readResponse())
            #expect(interim.status == 100)
            try c.send("hello")
            let final = try #require(try c.readResponse())
            #expect(final.status == 200)
            #expect((try? JSONParser.value(final.body))?["body"] == "hello")

            let tooBig = try RawConnection(port: server.port)
            try tooBig.send("POST /wait HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nExpect: 100-continue\r\n\r\n")
            #expect(try tooBig.readResponse()?.status == 413)
        }
    }

    @Test func malformedRequestsAreRejected() async throws {
        try await withServer { server in
            let c = try RawConnection(port: server.port)
            try c.send("THIS IS NOT HTTP\r\n\r\n")
            let r = try c.readResponse()
            #expect(r?.status == 400)
            #expect(c.isClosedByPeer())
        }
    }

    @Test func servesManyClientsAtOnce() async throws {
        let counter = Mutex(0)
        let handler: @Sendable (MockRequest) -> MockResponse = { request in
            let n = counter.withLock { c in
                c += 1
                return c
            }
            return .json(200, ["n": .number(Double(n)), "path": .string(request.path)])
        }
        try await withServer(threads: 2, handler: handler) { server in
            let clients = 24, requestsEach = 25
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for c in 0..<clients {
                    group.addTask {
                        // One keep-alive connection per client, requests in sequence.
                        let connection = try RawConnection(port: server.port)
                        var seen: [Int] = []
                        for r in 0..<requestsEach {
                            try connection.send("GET /c\(c)/r\(r) HTTP/1.1\r\nHost: x\r\n\r\n")
                            guard let reply = try connection.readResponse(),
                                  (try? JSONParser.value(reply.body))?["path"]?.stringValue == "/c\(c)/r\(r)" else {
                                throw TestError("bad reply for client \(c) request \(r)")
                            }
                            seen.append(reply.status)
                        }
                        return seen
                    }
                }
                var all: [Int] = []
                for try await s in group { all += s }
                return all
            }
            #expect(statuses.count == clients * requestsEach)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(counter.withLock { $0 } == clients * requestsEach)
        }
    }

    @Test func shutdownClosesConnectionsAndStopsListening() async throws {
        let server = try await MockHTTPServer.start(threads: 1, handler: Self.echo)
        let idle = try RawConnection(port: server.port)
        try idle.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try idle.readResponse()?.status == 200)
        try await server.shutdown()
        #expect(idle.isClosedByPeer())
        #expect(throws: (any Error).self) { _ = try RawConnection(port: server.port) }
        try await server.shutdown()  // a second call is harmless
    }

    @Test func aBusyPortIsAnError() async throws {
        try await withServer { server in
            await #expect(throws: (any Error).self) {
                _ = try await MockHTTPServer.start(port: server.port, threads: 1, handler: Self.echo)
            }
        }
    }

    @Test func servesIPv6Loopback() async throws {
        // Only where the machine has ::1 (a bind failure says it has not).
        guard let server = try? await MockHTTPServer.start(host: "::1", threads: 1, handler: Self.echo) else {
            withKnownIssue("no IPv6 loopback on this machine") { throw TestError("::1 unavailable") }
            return
        }
        #expect(server.baseURL == "http://[::1]:\(server.port)")
        let reply = try await TestClient(baseURL: server.baseURL).get("/six")
        #expect(reply["/path"] == "/six")
        try await server.shutdown()
    }
}
