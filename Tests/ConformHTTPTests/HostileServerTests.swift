import ConformHTTP
import ConformTestSupport
import Testing

/// Servers that misbehave must give a classified error within the limits, never a hang.
@Suite struct HostileServerTests {
    let client = HTTPClient(maxConnections: 8)

    @Test func closedPortIsConnectionRefused() async throws {
        let port = try ScriptedServer.unusedPort()
        let error = await failure(of: HTTPRequest(url: "http://127.0.0.1:\(port)/"), on: client)
        #expect(error == .connectionRefused(address: "127.0.0.1:\(port)"))
        #expect(error?.description == "connection refused by 127.0.0.1:\(port) (is the server running?)")
    }

    @Test func connectThatNeverCompletesTimesOutInTheConnectPhase() async throws {
        let listener = try StalledListener()
        let options = TransferOptions(timeout: .seconds(5), connectTimeout: .milliseconds(300))
        let (error, time) = await elapsed { await failure(of: HTTPRequest(url: listener.url()), on: client, options: options) }
        #expect(error == .timedOut(after: .milliseconds(300), phase: .connect))
        #expect(time >= .milliseconds(250) && time < .seconds(15))
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.sleep(.seconds(30))  // ends early when the test stops the server
        }
        defer { server.stop() }
        let options = TransferOptions(timeout: .milliseconds(300), connectTimeout: .seconds(1))
        let (error, time) = await elapsed { await failure(of: HTTPRequest(url: server.url("/")), on: client, options: options) }
        #expect(error == .timedOut(after: .milliseconds(300), phase: .response))
        #expect(time >= .milliseconds(250) && time < .seconds(15))
        #expect(error?.description.contains("300 ms") == true)
    }

    @Test func slowDripBeyondTheTimeoutTimesOut() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n")
            for _ in 0..<3000 {
                try connection.write([0x61])
                try connection.sleep(.milliseconds(20))
            }
        }
        defer { server.stop() }
        let options = TransferOptions(timeout: .milliseconds(400), connectTimeout: .seconds(1))
        let (error, time) = await elapsed { await failure(of: HTTPRequest(url: server.url("/")), on: client, options: options) }
        #expect(error == .timedOut(after: .milliseconds(400), phase: .body))
        #expect(time < .seconds(40))  // the drip alone would take 60 s
    }

    @Test func resetMidBodyIsConnectionReset() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            try connection.write([UInt8](repeating: 0x61, count: 1000))
            try connection.sleep(.milliseconds(50))
            connection.reset()
        }
        defer { server.stop() }
        let error = await failure(of: HTTPRequest(url: server.url("/")), on: client)
        #expect(error?.kind == "connectionReset", "\(String(describing: error))")
    }

    @Test func closeMidBodyIsConnectionClosed() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n")
            try connection.write([UInt8](repeating: 0x61, count: 1000))
            connection.close()
        }
        defer { server.stop() }
        let error = await failure(of: HTTPRequest(url: server.url("/")), on: client)
        #expect(error?.kind == "connectionClosed", "\(String(describing: error))")
        #expect(error?.description.contains("4000") == true, "\(String(describing: error))")  // bytes missing
    }

    @Test func closeWithoutAnswerIsConnectionClosed() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            connection.close()
        }
        defer { server.stop() }
        let error = await failure(of: HTTPRequest(url: server.url("/")), on: client)
        #expect(error == .connectionClosed(detail: "no response was sent before the connection closed"))
    }

    @Test func garbageInsteadOfHTTPIsMalformed() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("SSH-2.0-OpenSSH_9.2\r\n\r\n")
            connection.close()
        }
        defer { server.stop() }
        let error = await failure(of: HTTPRequest(url: server.url("/")), on: client)
        #expect(error?.kind == "malformedResponse", "\(String(describing: error))")
    }

    @Test func declaredHugeBodyIsRefusedAtTheCap() async throws {
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n")
            let chunk = [UInt8](repeating: 0x62, count: 64 * 1024)
            for _ in 0..<1600 { try connection.write(chunk) }  // 100 MiB unless the client aborts
        }
        defer { server.stop() }
        let options = TransferOptions(timeout: .seconds(5), maxBodyBytes: 1 << 20)
        let (error, time) = await elapsed { await failure(of: HTTPRequest(url: server.url("/")), on: client, options: options) }
        #expect(error == .bodyTooLarge(limit: 1 << 20))
        #expect(time < .seconds(10))
    }

    @Test func streamedHugeBodyIsAbortedAtTheCap() async throws {
        let sent = Flag(0)
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            let payload = [UInt8](repeating: 0x63, count: 64 * 1024)
            let chunk = Array("10000\r\n".utf8) + payload + Array("\r\n".utf8)
            var total = 0
            defer { sent.set(total) }
            for _ in 0..<1600 {  // 100 MiB unless the client aborts
                try connection.write(chunk, timeout: .seconds(2))
                total += payload.count
            }
        }
        defer { server.stop() }
        let options = TransferOptions(timeout: .seconds(5), maxBodyBytes: 1 << 20)
        let (error, time) = await elapsed { await failure(of: HTTPRequest(url: server.url("/")), on: client, options: options) }
        #expect(error == .bodyTooLarge(limit: 1 << 20))
        #expect(time < .seconds(10))
        // The server's writes failed long before 100 MiB: the client really dropped the transfer.
        #expect(await eventually { sent.get > 0 })
        #expect(sent.get < 20 << 20)
    }

    @Test func bodyExactlyAtTheCapIsAccepted() async throws {
        let body = [UInt8](repeating: 0x64, count: 4096)
        let server = try ScriptedServer { _ in Reply(status: 200, body: body) }
        defer { server.stop() }
        let response = try await client.send(HTTPRequest(url: server.url("/")),
                                             options: TransferOptions(timeout: .seconds(5), maxBodyBytes: 4096))
        #expect(response.body == body)
    }

    @Test func retryAfterAndThrottlingStatusesAreResponses() async throws {
        let server = try ScriptedServer { request in
            request.target == "/busy" ? Reply(status: 503, headers: [("Retry-After", "2")])
                : Reply(status: 429, headers: [("Retry-After", "1")], text: "{\"error\":\"slow down\"}")
        }
        defer { server.stop() }
        let throttled = try await client.send(HTTPRequest(url: server.url("/limited")), options: quick)
        #expect(throttled.status == 429)
        #expect(throttled.header("retry-after") == "1")
        let busy = try await client.send(HTTPRequest(url: server.url("/busy")), options: quick)
        #expect(busy.status == 503)
        #expect(busy.header("Retry-After") == "2")
    }
}

/// Ctrl-C and shutdown: an awaiting caller gets control back promptly and the socket is dropped.
@Suite struct CancellationTests {
    @Test func cancellingTheTaskEndsTheTransfer() async throws {
        let client = HTTPClient()
        let peerClosed = Flag<Bool?>(nil)
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            peerClosed.set(connection.waitForPeerClose(timeout: .seconds(60)))
        }
        defer { server.stop() }
        let task = Task {
            try await client.send(HTTPRequest(url: server.url("/slow")), options: TransferOptions(timeout: .seconds(120)))
        }
        #expect(await eventually { server.requests.count == 1 })
        let (result, time) = await elapsed { () async -> Result<HTTPResponse, any Error> in
            task.cancel()
            return await task.result
        }
        #expect(time < .seconds(30))  // long before the 120 s transfer timeout (loose: CI machines are busy)
        #expect(throws: TransportError.cancelled) { try result.get() }
        #expect(await eventually { peerClosed.get != nil })
        #expect(peerClosed.get == true)
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer { _ in Reply(status: 200) }
        defer { server.stop() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPRequest(url: server.url("/")), options: quick)
        }
        await #expect(throws: TransportError.cancelled) { try await task.value }
        #expect(server.connectionsAccepted == 0)
    }

    @Test func cancellingManyConcurrentTransfersLeavesTheClientUsable() async throws {
        let client = HTTPClient(maxConnections: 16)
        let server = try ScriptedServer { connection in
            while let request = try connection.readRequest() {
                if request.target == "/hang" { try connection.sleep(.seconds(30)) }
                try connection.respond(status: 200)
            }
        }
        defer { server.stop() }
        let tasks = (0..<32).map { _ in
            Task { try await client.send(HTTPRequest(url: server.url("/hang")), options: TransferOptions(timeout: .seconds(10))) }
        }
        #expect(await eventually { server.requests.count == 16 })
        for task in tasks { task.cancel() }
        for task in tasks {
            await #expect(throws: TransportError.cancelled) { try await task.value }
        }
        let response = try await client.send(HTTPRequest(url: server.url("/fine")), options: quick)
        #expect(response.status == 200)
    }

    @Test func shutdownFailsInFlightRequests() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.sleep(.seconds(30))
        }
        defer { server.stop() }
        let task = Task { try await client.send(HTTPRequest(url: server.url("/")), options: TransferOptions(timeout: .seconds(10))) }
        #expect(await eventually { server.requests.count == 1 })
        client.shutdown()
        await #expect(throws: TransportError.shutDown) { try await task.value }
    }
}
