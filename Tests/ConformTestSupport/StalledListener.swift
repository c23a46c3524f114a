#if canImport(Glibc)
import Glibc
#endif

/// A loopback port whose accept queue is full, so new connections hang in the TCP handshake:
/// the kernel drops their SYNs. Lets tests reach a connect timeout without leaving loopback.
public final class StalledListener: Sendable {
    public let port: Int
    private let listenFD: Int32
    private let fillers: [Int32]

    public init() throws(ServerError) {
        let (fd, port) = try Socket.listen(family: .ipv4, backlog: 0)
        listenFD = fd
        self.port = port
        // Never accepted: these occupy the queue (backlog 0 still admits one; two to be sure).
        var fillers: [Int32] = []
        for _ in 0..<2 {
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard s >= 0 else { continue }
            Socket.setNonBlocking(s)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            fillers.append(s)
        }
        self.fillers = fillers
        usleep(20_000)  // let the fillers' handshakes complete and fill the queue
    }

    /// "http://127.0.0.1:PORT" + path.
    public func url(_ path: String = "/") -> String { "http://127.0.0.1:\(port)\(path)" }

    deinit {
        for s in fillers { close(s) }
        close(listenFD)
    }
}
