import ConformJSON
import ConformMocks
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the built `conform` executable as a child process.
struct CLI {
    /// The package root (tests run with any working directory).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `conform` is built next to the test bundle.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = bundle.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("conform").path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("conform")
    }

    /// Where tests write reports for `.ci/run` to check with check-junit.
    static let reports: URL = {
        let dir = root.appendingPathComponent("reports/test-output")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    final class Running: @unchecked Sendable {
        let process: Process
        let out: Pipe
        let err: Pipe
        init(process: Process, out: Pipe, err: Pipe) { self.process = process; self.out = out; self.err = err }

        func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

        /// Waits for the process, at most `timeout`; kills it if it overstays. Polls with
        /// `Task.sleep` and reads the pipes on Dispatch threads, so waiting never blocks one of
        /// the (two, on this machine) threads that every other test shares.
        func wait(timeout: Duration = .seconds(60)) async -> Output {
            async let outData = Self.readAll(out)
            async let errData = Self.readAll(err)
            let deadline = ContinuousClock.now + timeout
            while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            if process.isRunning {
                process.terminate()
                try? await Task.sleep(for: .milliseconds(200))
                kill(process.processIdentifier, SIGKILL)
                while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
            }
            let (o, e) = await (outData, errData)
            return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                          stderr: String(decoding: e, as: UTF8.self))
        }

        static func readAll(_ pipe: Pipe) async -> Data {
            await withCheckedContinuation { c in
                DispatchQueue.global().async { c.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }
            }
        }
    }

    static func start(_ arguments: [String], environment: [String: String] = [:], cwd: URL = root) throws -> Running {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = cwd
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return Running(process: p, out: out, err: err)
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], cwd: URL = root,
                    timeout: Duration = .seconds(120)) async throws -> Output {
        try await start(arguments, environment: environment, cwd: cwd).wait(timeout: timeout)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conform-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Talks to a running XMS mock over real HTTP, as any client would (to list what a run left behind).
enum MockHTTP {
    struct Response {
        var status: Int
        var body: Data
    }

    static func send(_ mock: RunningMock, token: String, method: String, path: String, json: String? = nil) async throws -> Response {
        var request = URLRequest(url: URL(string: mock.baseURL + path)!)
        request.httpMethod = method
        request.setValue(token, forHTTPHeaderField: "Xms-Auth-Token")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// Names of every token the mock lists (`GET /access-tokens/?all=true`), in its order.
    static func tokenNames(_ mock: RunningMock, token: String) async throws -> [String] {
        let response = try await send(mock, token: token, method: "GET", path: "/access-tokens/?all=true")
        guard response.status == 200 else { throw MockHTTPError.status(response.status) }
        let list = try JSONParser.value(Array(response.body))
        guard let items = list["access_tokens"]?.arrayValue else { throw MockHTTPError.notAList }
        return items.compactMap { $0["name"]?.stringValue }
    }

    enum MockHTTPError: Error { case status(Int), notAList }
}
