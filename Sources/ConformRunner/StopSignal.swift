import Synchronization

/// Asks a run to stop gracefully: no new request is started, the ones in flight finish (bounded
/// by their timeouts) so that whatever they create is known and can be deleted, then cleanup
/// steps and the ledger run. Cancelling requests in flight instead would orphan what a
/// half-answered POST created.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func stop() { flag.store(true, ordering: .relaxed) }

    public var isStopped: Bool { flag.load(ordering: .relaxed) }
}
