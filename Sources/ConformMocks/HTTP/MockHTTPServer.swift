import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.x server on SwiftNIO that answers every request with a
/// synchronous handler closure. Keep-alive, HTTP/1.0 and 1.1, pipelining,
/// `Expect: 100-continue`, bodies up to a limit (413 beyond).
public final class MockHTTPServer: Sendable {
    /// The host the server listens on.
    public let host: String
    /// The bound port (the chosen one when started with port 0).
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let stopped = Mutex(false)

    /// `http://host:port`, with IPv6 hosts bracketed.
    public var baseURL: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "http://\(h):\(port)"
    }

    private init(host: String, port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.host = host
        self.port = port
        self.channel = channel
        self.group = group
    }

    /// Binds and starts serving; port 0 picks a free port.
    public static func start(host: String = "127.0.0.1", port: Int = 0, maxBodyBytes: Int = 1 << 20,
                             threads: Int = System.coreCount,
                             handler: @escaping @Sendable (MockRequest) -> MockResponse) async throws -> MockHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try sync.addHandler(MockHTTPChannelHandler(maxBodyBytes: maxBodyBytes, handler: handler))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            guard let bound = channel.localAddress?.port else {
                try? await channel.close()
                throw MockError.serverStart("bound socket has no port")
            }
            return MockHTTPServer(host: host, port: bound, channel: channel, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, closes every connection and ends the event loop threads; later calls do nothing.
    public func shutdown() async throws {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}
