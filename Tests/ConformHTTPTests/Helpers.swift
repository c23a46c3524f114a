import ConformHTTP
import ConformTestSupport
import Synchronization
import Testing

/// Short limits so a misbehaving case fails fast instead of stalling the suite.
let quick = TransferOptions(timeout: .seconds(5), connectTimeout: .seconds(2))

/// The error `send` throws, or nil (and a recorded issue) if it succeeded.
func failure(of request: HTTPRequest, on client: HTTPClient, options: TransferOptions = quick,
             sourceLocation: SourceLocation = #_sourceLocation) async -> TransportError? {
    do {
        let response = try await client.send(request, options: options)
        Issue.record("expected a transport error, got status \(response.status)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Wall time of `body`.
func elapsed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}

/// Polls `condition` every few milliseconds; false if it is still unmet after `timeout`.
func eventually(timeout: Duration = .seconds(15), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// A value a server handler thread sets and a test reads.
final class Flag<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
    func set(_ v: Value) { value.withLock { $0 = v } }
    var get: Value { value.withLock { $0 } }
}
