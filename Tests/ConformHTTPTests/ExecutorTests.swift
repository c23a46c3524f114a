import ConformHTTP
import ConformTestSupport
import Testing

/// Tasks that run on the client's transfer thread (no thread hop per response).
@Suite struct ExecutorTests {
    @Test func concurrentRequestsOnTheClientExecutor() async throws {
        let client = HTTPClient(maxConnections: 16)
        let server = try ScriptedServer { request in Reply(status: 200, text: request.target) }
        defer { server.stop() }
        let bodies = try await withTaskExecutorPreference(client.executor) {
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var last = ""
                        for step in 0..<10 {
                            let r = try await client.send(HTTPRequest(url: server.url("/\(worker)/\(step)")), options: quick)
                            last = String(decoding: r.body, as: UTF8.self)
                        }
                        return (worker, last)
                    }
                }
                var all: [Int: String] = [:]
                for try await (worker, last) in group { all[worker] = last }
                return all
            }
        }
        #expect(bodies.count == 16)
        for (worker, last) in bodies { #expect(last == "/\(worker)/9") }
        #expect(server.requests.count == 160)
    }

    @Test func cancellationAndTimeoutsWorkOnTheClientExecutor() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer { connection in
            _ = try connection.readRequest()
            try connection.sleep(.seconds(30))
        }
        defer { server.stop() }
        let options = TransferOptions(timeout: .milliseconds(200))
        let error = await withTaskExecutorPreference(client.executor) {
            await failure(of: HTTPRequest(url: server.url("/")), on: client, options: options)
        }
        #expect(error == .timedOut(after: .milliseconds(200), phase: .response))

        let task = Task(executorPreference: client.executor) {
            try await client.send(HTTPRequest(url: server.url("/")), options: TransferOptions(timeout: .seconds(10)))
        }
        #expect(await eventually { server.requests.count == 2 })
        task.cancel()
        await #expect(throws: TransportError.cancelled) { try await task.value }
    }

    @Test func tasksOnTheExecutorOutliveShutdown() async throws {
        let client = HTTPClient()
        let server = try ScriptedServer { _ in Reply(status: 200) }
        defer { server.stop() }
        let status = try await withTaskExecutorPreference(client.executor) {
            let first = try await client.send(HTTPRequest(url: server.url("/")), options: quick).status
            client.shutdown()  // from the transfer thread itself
            // The task keeps running (moved to the global executor) and sees the shutdown.
            let second = await failure(of: HTTPRequest(url: server.url("/")), on: client)
            #expect(second == .shutDown)
            return first
        }
        #expect(status == 200)
    }
}
