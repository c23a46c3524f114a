import Foundation
import Synchronization

/// Every resource the run created and has not deleted yet, with the request that deletes it.
///
/// A step's `creates` adds an entry when the step receives a 2xx; any later DELETE of the
/// same URL answered 2xx or 404 settles it. What is left when a scenario ends (after its
/// cleanup steps) is deleted by the runner, newest first.
public final class CleanupLedger: Sendable {
    public struct Entry: Sendable, Hashable {
        public var id: Int
        public var scenarioFile: String
        public var request: PreparedRequest
    }

    private struct State {
        var nextID = 1
        var open: [Entry] = []
    }

    private let state = Mutex(State())

    public init() {}

    @discardableResult
    public func record(_ request: PreparedRequest, scenarioFile: String) -> Entry {
        state.withLock { s in
            let e = Entry(id: s.nextID, scenarioFile: scenarioFile, request: request)
            s.nextID += 1
            s.open.append(e)
            return e
        }
    }

    /// Settles the entries a completed request deleted.
    public func settle(method: String, url: String, status: Int) {
        guard (200..<300).contains(status) || status == 404 || status == 410 else { return }
        state.withLock { s in
            s.open.removeAll { $0.request.method == method && $0.request.url == url }
        }
    }

    public func settle(id: Int) {
        state.withLock { s in s.open.removeAll { $0.id == id } }
    }

    /// Open entries of one scenario, newest first.
    public func outstanding(scenarioFile: String) -> [Entry] {
        state.withLock { s in s.open.filter { $0.scenarioFile == scenarioFile }.reversed() }
    }

    public var allOutstanding: [Entry] { state.withLock { Array($0.open.reversed()) } }
}
