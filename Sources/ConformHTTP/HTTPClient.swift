import CCurl
import Synchronization

/// Sends HTTP requests concurrently over one libcurl multi handle, reusing connections and handles.
///
/// Any number of tasks may call `send` at once; connections are capped at `maxConnections` and
/// further transfers wait inside libcurl for a free one. Redirects are returned, not followed.
public final class HTTPClient: Sendable {
    /// The cap on open connections (in use plus idle kept alive).
    public let maxConnections: Int
    private let loop: MultiLoop
    /// Idle easy handles; reusing them keeps libcurl's per-handle caches warm and avoids set-up.
    private let idle = Mutex<[Transfer]>([])
    private let nextID = Atomic<UInt64>(0)

    /// Starts the client's transfer thread.
    public init(maxConnections: Int = 64) {
        self.maxConnections = max(1, maxConnections)
        loop = MultiLoop(maxConnections: self.maxConnections)
        loop.start()
    }

    deinit {
        loop.stop()
    }

    /// Sends `request` and returns the complete response; throws a classified error otherwise.
    /// Cancelling the awaiting task aborts the transfer and throws `.cancelled`.
    public func send(_ request: HTTPRequest, options: TransferOptions = TransferOptions())
        async throws(TransportError) -> HTTPResponse {
        if Task.isCancelled { throw .cancelled }
        guard let transfer = idle.withLock({ $0.popLast() }) ?? Transfer() else {
            throw .other(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed (out of memory)")
        }
        do {
            try transfer.prepare(request, options: options)
        } catch {
            reuse(transfer)
            throw error
        }
        let id = nextID.add(1, ordering: .relaxed).newValue
        transfer.id = id
        let loop = self.loop
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                transfer.continuation = continuation
                if !loop.submit(transfer) {
                    transfer.continuation = nil
                    transfer.outcome = .shutDown
                    continuation.resume()
                } else if Task.isCancelled {
                    // Cancelled between the handler's installation and the submission: the handler's
                    // own request may have reached the loop before the transfer did.
                    loop.cancel(id)
                }
            }
        } onCancel: {
            loop.cancel(id)
        }
        let result = transfer.result(for: request, options: options)
        reuse(transfer)
        return try result.get()
    }

    /// The transfer thread as a task executor. Tasks run under
    /// `withTaskExecutorPreference(client.executor)` resume from `send` without a thread hop;
    /// only for light work between requests, since it shares the thread with every transfer.
    public var executor: any TaskExecutor { loop }

    /// Stops the transfer thread; in-flight and later requests fail with `.shutDown`. Idempotent.
    public func shutdown() {
        loop.stop()
        idle.withLock { $0.removeAll() }
    }

    private func reuse(_ transfer: Transfer) {
        transfer.recycle()
        idle.withLock { pool in
            // Keep about as many handles as can be busy at once; free the rest.
            if pool.count < maxConnections * 2 { pool.append(transfer) }
        }
    }
}
