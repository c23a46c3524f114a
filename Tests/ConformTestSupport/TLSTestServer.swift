import Foundation

/// `openssl s_server -www` on 127.0.0.1 with a fresh self-signed certificate for 127.0.0.1, for
/// TLS verification tests. Answers each GET with `HTTP/1.0 200 ok` and a status page.
/// The `openssl` command line tool is required (`TLSTestServer.isAvailable`).
public final class TLSTestServer: Sendable {
    public static let opensslPath = "/usr/bin/openssl"
    /// Whether the `openssl` tool is installed.
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: opensslPath) }

    public let port: Int
    /// PEM file of the server's self-signed certificate (its own CA).
    public let certificatePath: String
    private let directory: URL
    /// A shell that runs openssl and kills it when its stdin closes: on `stop()`, or when the test
    /// process dies, so no server outlives the tests. (It must not `wait`: the test runner blocks
    /// SIGCHLD and SIGTERM, children inherit that mask, and the wait would never return.)
    private let process: Process
    private let lifeline = Pipe()

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("conform-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try Self.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                      "-keyout", keyPath, "-out", certificatePath, "-days", "1", "-subj", "/CN=127.0.0.1",
                      "-addext", "subjectAltName=IP:127.0.0.1"])
        port = try ScriptedServer.unusedPort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\"$0\" \"$@\" </dev/null >/dev/null 2>&1 & pid=$!; read _; kill -9 $pid",
                             Self.opensslPath, "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificatePath,
                             "-key", keyPath, "-www", "-quiet"]
        process.standardInput = lifeline
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once it accepts a TCP connection (bounded).
        let deadline = ContinuousClock.now + .seconds(5)
        while !Self.accepts(port: port) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                stop()
                throw ServerError.malformed("openssl s_server did not start listening on \(port)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    deinit { stop() }

    /// "https://127.0.0.1:PORT" + path.
    public func url(_ path: String = "/") -> String { "https://127.0.0.1:\(port)\(path)" }

    /// Ends the server process and removes its files. Idempotent.
    public func stop() {
        // Not SIGTERM: the test runner blocks it, and children inherit that signal mask.
        try? lifeline.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: opensslPath)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ServerError.malformed("openssl \(arguments.first ?? "") exited with \(p.terminationStatus)")
        }
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
