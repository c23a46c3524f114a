import ConformReports
import ConformRunner
import Foundation
import Synchronization

/// Prints a run as it happens: a line per finished scenario with its problems, `-v`
/// transcripts, and on a terminal a progress line that the next output replaces.
final class LiveConsole: Sendable {
    private let secrets: SecretBook
    private let color: Bool
    private let verbose: Bool
    private let progress: Bool
    private let state = Mutex(State())

    private struct State {
        var started = 0
        var finished = 0
        var progressShown = false
        /// The renderer for the secrets known so far, and how many there were: the book only grows, so
        /// the count tells when to rebuild it (building a Redactor per scenario was a visible cost).
        var renderer: (count: Int, renderer: ConsoleRenderer)?
    }

    init(secrets: SecretBook, color: Bool, verbose: Bool) {
        self.secrets = secrets
        self.color = color
        self.verbose = verbose
        self.progress = isatty(STDERR_FILENO) == 1
    }

    func handle(_ event: RunEvent) {
        switch event {
        case .scenarioStarted:
            state.withLock { $0.started += 1 }
            showProgress()
        case .scenarioFinished(let result):
            let renderer = currentRenderer()
            var text = renderer.scenarioLine(result)
            let details = renderer.problems(result)
            if !details.isEmpty { text += "\n" + details }
            state.withLock { $0.finished += 1 }
            emit(text)
            showProgress()
        case .exchange(let file, _, let exchange):
            guard verbose else { return }
            emit(transcript(file: file, exchange))
        }
    }

    private func currentRenderer() -> ConsoleRenderer {
        let known = secrets.known
        if let cached = state.withLock({ $0.renderer }), cached.count == known.count { return cached.renderer }
        let renderer = ConsoleRenderer(secrets: known, color: color)
        state.withLock { $0.renderer = (known.count, renderer) }
        return renderer
    }

    /// The closing lines; the very last one is `N passed, N failed, N skipped`.
    func finish(_ result: RunResult) {
        clearProgress()
        let renderer = ConsoleRenderer(secrets: result.secrets, color: color)
        if result.interrupted { printOut("interrupted: the report holds what completed before the stop") }
        printOut(renderer.closingLine(result.counts))
    }

    private func emit(_ text: String) {
        state.withLock { s in
            if s.progressShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); s.progressShown = false }
            printOut(text)
        }
    }

    private func showProgress() {
        guard progress else { return }
        state.withLock { s in
            let line = "\r\u{1B}[K[\(s.finished) done, \(s.started - s.finished) running]"
            FileHandle.standardError.write(Data(line.utf8))
            s.progressShown = true
        }
    }

    private func clearProgress() {
        guard progress else { return }
        state.withLock { s in
            if s.progressShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); s.progressShown = false }
        }
    }

    /// `-v` output: request and response with credentials and known secrets masked.
    private func transcript(file: String, _ x: Exchange) -> String {
        let r = secrets.redactor
        var lines = ["> \(x.method) \(r.mask(url: x.url))   [\(file)]"]
        for h in x.requestHeaders { lines.append("> \(h.name): \(r.mask(header: h.name, value: h.value))") }
        if !x.requestBody.isEmpty { lines.append("> " + Self.clean(r.mask(bytes: x.requestBody))) }
        if let error = x.error {
            lines.append("! \(error)")
        } else {
            lines.append("< \(x.status ?? 0)  (\(Int(x.duration * 1000)) ms)")
            for h in x.responseHeaders { lines.append("< \(h.name): \(r.mask(header: h.name, value: h.value))") }
            if !x.responseBody.isEmpty { lines.append("< " + Self.clean(r.mask(bytes: x.responseBody))) }
        }
        return lines.joined(separator: "\n")
    }

    /// Server text must not drive the terminal: control characters become visible escapes.
    static func clean(_ s: String) -> String {
        let limited = s.count > 4096 ? String(s.prefix(4096)) + "… [truncated]" : s
        return TextSanitizer.sanitized(limited, for: .terminal)
    }
}
