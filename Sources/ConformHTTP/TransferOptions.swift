/// Per-request transfer settings.
public struct TransferOptions: Sendable, Hashable {
    /// Limit for the whole exchange: connect, send, wait, and receive the full body.
    public var timeout: Duration
    /// Limit for establishing the connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Skip TLS certificate and host name verification (for self-signed test servers only).
    public var insecure: Bool
    /// A PEM bundle of trusted CA certificates, used instead of the system's.
    public var caCertPath: String?
    /// Bodies larger than this fail with `TransportError.bodyTooLarge` and the transfer is aborted.
    public var maxBodyBytes: Int

    public init(timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), insecure: Bool = false,
                caCertPath: String? = nil, maxBodyBytes: Int = 16 * 1024 * 1024) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.insecure = insecure
        self.caCertPath = caCertPath
        self.maxBodyBytes = maxBodyBytes
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no limit").
    var curlMilliseconds: Int {
        let (seconds, atto) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow || seconds < 0 { return seconds < 0 ? 1 : Int.max }
        let total = ms.partialValue.addingReportingOverflow(atto / 1_000_000_000_000_000)
        return total.overflow ? Int.max : max(1, Int(total.partialValue))
    }
}
