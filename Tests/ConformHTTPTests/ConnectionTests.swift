import ConformHTTP
import ConformTestSupport
import Synchronization
import Testing

/// Connection handling: reuse, concurrency, framing variants, IPv6.
@Suite struct ConnectionTests {
    @Test func keepAliveReusesOneConnection() async throws {
        let client = HTTPClient(maxConnections: 4)
        let server = try ScriptedServer { request in Reply(status: 200, text: request.target) }
        defer { server.stop() }
        for i in 0..<20 {
            let response = try await client.send(HTTPRequest(url: server.url("/\(i)")), options: quick)
            #expect(String(decoding: response.body, as: UTF8.self) == "/\(i)")
        }
        #expect(server.requests.count == 20)
        #expect(server.connectionsAccepted == 1)
    }

    @Test func sixtyFourConcurrentRequestsGetTheirOwnResponses() async throws {
        let client = HTTPClient(maxConnections: 64)
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                let id = request.header("X-Request-Id") ?? "missing"
                // Varying delays make responses finish out of order.
                try connection.sleep(.milliseconds(Int(id)! % 7 * 3))
                try connection.respond(status: 200, headers: [("X-Request-Id", id)], text: "id=\(id)")
            }
        }
        defer { server.stop() }
        let results = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
            for i in 0..<64 {
                group.addTask {
                    let request = HTTPRequest(url: server.url("/echo"),
                                              headers: [HTTPHeader(name: "X-Request-Id", value: "\(i)")])
                    return (i, try await client.send(request, options: quick))
                }
            }
            var all: [(Int, HTTPResponse)] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64)
        for (i, response) in results {
            #expect(response.header("X-Request-Id") == "\(i)")
            #expect(String(decoding: response.body, as: UTF8.self) == "id=\(i)")
        }
        #expect(server.connectionsAccepted <= 64)
        #expect(server.connectionsAccepted > 1)  // they really ran in parallel
    }

    @Test func connectionLimitIsHonoured() async throws {
        let client = HTTPClient(maxConnections: 2)
        let server = try ScriptedServer { connection in
            while try connection.readRequest() != nil {
                try connection.sleep(.milliseconds(10))
                try connection.respond(status: 200)
            }
        }
        defer { server.stop() }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask { try await client.send(HTTPRequest(url: server.url("/")), options: quick).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(server.requests.count == 10)
        #expect(server.connectionsAccepted <= 2)
    }

    @Test func http10WithConnectionCloseWorks() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            // No Content-Length: the body ends when the server closes.
            try connection.write("HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nhello, old world")
            connection.close()
        }
        defer { server.stop() }
        for _ in 0..<2 {
            let response = try await client.send(HTTPRequest(url: server.url("/")), options: quick)
            #expect(response.status == 200)
            #expect(response.httpVersion == "1.0")
            #expect(response.body == Array("hello, old world".utf8))
        }
        #expect(server.connectionsAccepted == 2)
    }

    @Test func chunkedResponseIsReassembled() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for part in ["{\"a\":", "[1,2,", "3]}"] {
                try connection.write(String(part.utf8.count, radix: 16) + "\r\n" + part + "\r\n")
                try connection.sleep(.milliseconds(5))
            }
            try connection.write("0\r\nX-Trailer: t\r\n\r\n")
            _ = connection.waitForPeerClose(timeout: .seconds(2))
        }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/")), options: quick)
        #expect(response.body == Array("{\"a\":[1,2,3]}".utf8))
        #expect(response.header("X-Trailer") == nil)  // trailers are not response headers
    }

    @Test func ipv6LoopbackWorks() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer(family: .ipv6) { request in Reply(status: 200, text: request.header("Host") ?? "") }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/v6")), options: quick)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "[::1]:\(server.port)")
    }

    @Test func clientsAreIndependentAndShutDownCleanly() async throws {
        let server = try ScriptedServer { _ in Reply(status: 200) }
        defer { server.stop() }
        for _ in 0..<5 {
            let client = HTTPClient(maxConnections: 2)
            #expect(try await client.send(HTTPRequest(url: server.url("/")), options: quick).status == 200)
            client.shutdown()
            client.shutdown()  // idempotent
            #expect(await failure(of: HTTPRequest(url: server.url("/")), on: client) == .shutDown)
        }
        #expect(server.requests.count == 5)
    }
}
