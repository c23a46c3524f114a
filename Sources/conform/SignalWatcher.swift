import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a call of `onSignal` (once); a second signal exits at once.
///
/// `@unchecked`: the dispatch sources are set up once in `init` and only cancelled after,
/// which Dispatch allows from any thread.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// - Parameter notice: printed on stderr at the first signal.
    init(notice: String? = nil, onSignal: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "conform.signals")
        let count = SignalCount()
        sources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                if count.increment() == 1 {
                    if let notice { FileHandle.standardError.write(Data("\n\(notice)\n".utf8)) }
                    onSignal()
                } else {
                    exit(130)
                }
            }
            source.resume()
            return source
        }
    }

    func stop() {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

private final class SignalCount: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
