#if canImport(Glibc)
import Glibc
#endif

/// Thin POSIX helpers. Hand-written on purpose: the hostile behaviours the tests need (RST via
/// SO_LINGER 0, half-written bodies, never answering) are below what server libraries expose.
enum Socket {
    static func fail(_ what: String) -> ServerError { .system(what, errno: errno) }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Waits until `fd` is ready for `events` or `stopFD` becomes readable.
    /// Returns normally when ready; throws `.stopped` or `.timedOut`.
    static func wait(_ fd: Int32, events: Int32, stopFD: Int32, until deadline: ContinuousClock.Instant)
        throws(ServerError) {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { throw .timedOut }
            var fds = [pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: fd, events: Int16(events), revents: 0)]
            let count = fd < 0 ? 1 : 2
            let ms = Int32(clamping: max(1, remaining.milliseconds))
            let rc = poll(&fds, nfds_t(count), ms)
            if rc < 0 {
                if errno == EINTR { continue }
                throw fail("poll")
            }
            if fds[0].revents != 0 { throw .stopped }
            if count == 2 && fds[1].revents != 0 { return }
        }
    }

    /// Listening socket on the loopback address of `family`, port chosen by the kernel.
    static func listen(family: ScriptedServer.Family, backlog: Int32 = 512) throws(ServerError) -> (fd: Int32, port: Int) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw fail("socket") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var rc: Int32
        if family == .ipv4 {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_addr = in6addr_loopback
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        if rc != 0 { let e = fail("bind"); close(fd); throw e }
        if Glibc.listen(fd, backlog) != 0 { let e = fail("listen"); close(fd); throw e }
        setNonBlocking(fd)

        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port: UInt16 = withUnsafePointer(to: &storage) { raw in
            family == .ipv4
                ? raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
                : raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
        }
        return (fd, Int(port))
    }

    /// Makes the next close send a TCP RST instead of a FIN.
    static func setAbortiveClose(_ fd: Int32) {
        var l = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
