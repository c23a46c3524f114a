import ConformJSON
import Foundation

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
