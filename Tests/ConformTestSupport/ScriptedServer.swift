import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A raw-socket HTTP/1.x server on loopback whose every connection is driven by a test's script.
///
/// Each accepted connection runs `handler` on its own thread. Every wait inside is bounded and
/// returns early when `stop()` is called, so a test can never hang on the server.
public final class ScriptedServer: Sendable {
    public enum Family: Sendable { case ipv4, ipv6 }
    public typealias Handler = @Sendable (ServerConnection) throws -> Void

    public let family: Family
    public let port: Int
    private let core: ServerCore

    /// Starts listening on 127.0.0.1 or ::1 with a kernel-chosen port.
    public init(family: Family = .ipv4, handler: @escaping Handler) throws(ServerError) {
        let (fd, port) = try Socket.listen(family: family)
        self.family = family
        self.port = port
        core = try ServerCore(listenFD: fd)
        core.startAccepting(handler)
    }

    /// A well-behaved keep-alive server answering every request with `reply`.
    public convenience init(family: Family = .ipv4, reply: @escaping @Sendable (RecordedRequest) -> Reply)
        throws(ServerError) {
        try self.init(family: family, handler: ScriptedServer.keepAlive(reply))
    }

    deinit { core.stop() }

    /// "http://127.0.0.1:PORT" or "http://[::1]:PORT".
    public var baseURL: String { family == .ipv4 ? "http://127.0.0.1:\(port)" : "http://[::1]:\(port)" }

    /// `baseURL` + `path`.
    public func url(_ path: String = "/") -> String { baseURL + path }

    /// Every request parsed so far, in arrival order.
    public var requests: [RecordedRequest] { core.state.withLock { $0.requests } }

    /// How many TCP connections were accepted (fewer than requests proves keep-alive).
    public var connectionsAccepted: Int { core.state.withLock { $0.connections } }

    /// Unexpected errors thrown by handlers (stops and peer closes are expected and not listed).
    public var handlerErrors: [String] { core.state.withLock { $0.handlerErrors } }

    /// Closes the listener and every connection, and waits (bounded) for the handler threads. Idempotent.
    public func stop() { core.stop() }

    /// Serves requests on one connection until the peer closes it, answering each with `reply`.
    public static func keepAlive(_ reply: @escaping @Sendable (RecordedRequest) -> Reply) -> Handler {
        { connection in
            while let request = try connection.readRequest(timeout: .seconds(60)) {
                let r = reply(request)
                try connection.respond(status: r.status, headers: r.headers, body: r.body)
            }
        }
    }

    /// A loopback port that nothing listens on right now (bound, then released).
    public static func unusedPort(family: Family = .ipv4) throws(ServerError) -> Int {
        let (fd, port) = try Socket.listen(family: family)
        close(fd)
        return port
    }
}

/// State shared by the accept thread, the connection threads and the owner.
final class ServerCore: Sendable {
    struct State {
        var requests: [RecordedRequest] = []
        var connections = 0
        var liveThreads = 0
        var stopping = false
        var pipeClosed = false
        var handlerErrors: [String] = []
    }

    let state = Mutex(State())
    let listenFD: Int32
    /// Written once by `stop()` and never read, so it stays readable and wakes every poll.
    let stopRead: Int32
    let stopWrite: Int32

    init(listenFD: Int32) throws(ServerError) {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { let e = Socket.fail("pipe"); close(listenFD); throw e }
        self.listenFD = listenFD
        stopRead = fds[0]
        stopWrite = fds[1]
    }

    deinit {
        let closePipe = state.withLock { !$0.pipeClosed }
        if closePipe { close(stopRead); close(stopWrite) }
    }

    func startAccepting(_ handler: @escaping ScriptedServer.Handler) {
        state.withLock { $0.liveThreads += 1 }
        Thread { [self] in
            acceptLoop(handler)
            close(listenFD)
            threadExited()
        }.start()
    }

    private func acceptLoop(_ handler: @escaping ScriptedServer.Handler) {
        while true {
            do {
                try Socket.wait(listenFD, events: Int32(POLLIN), stopFD: stopRead, until: .now + .seconds(86_400))
            } catch {
                return
            }
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { continue }  // EAGAIN or a connection reset before accept
            Socket.setNonBlocking(fd)
            let index = state.withLock { s -> Int? in
                if s.stopping { return nil }
                s.connections += 1
                s.liveThreads += 1
                return s.connections - 1
            }
            guard let index else { close(fd); return }
            let connection = ServerConnection(fd: fd, index: index, core: self)
            Thread { [self] in
                do {
                    try handler(connection)
                } catch let error as ServerError where error == .stopped || error == .closed {
                    // expected endings of a scripted connection
                } catch {
                    state.withLock { $0.handlerErrors.append("connection \(index): \(error)") }
                }
                connection.close()
                threadExited()
            }.start()
        }
    }

    private func threadExited() {
        state.withLock { $0.liveThreads -= 1 }
    }

    func record(_ request: RecordedRequest) {
        state.withLock { $0.requests.append(request) }
    }

    func stop() {
        let first = state.withLock { s -> Bool in
            defer { s.stopping = true }
            return !s.stopping
        }
        if first {
            var byte: UInt8 = 1
            _ = write(stopWrite, &byte, 1)
        }
        // Every wait in a handler polls the stop pipe, so threads end within one poll round.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let done = state.withLock { s -> Bool in
                guard s.liveThreads == 0 else { return false }
                if !s.pipeClosed { s.pipeClosed = true; close(stopRead); close(stopWrite) }
                return true
            }
            if done { return }
            usleep(1000)
        }
    }
}
