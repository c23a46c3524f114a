import ConformRunner

/// What a report says about a step that did not pass: element, type, one-line message, body.
///
/// JUnit, the JSON rebuild and the console share it, so every output names a problem the same way.
struct OutcomeText: Sendable {
    enum Element: String, Sendable { case failure, error, skipped }

    let element: Element
    /// Exception-like word for `type`; never a data-type word GitLab would reinterpret.
    let type: String
    /// One line a person can act on (already sanitized and masked).
    let message: String
    /// Starts with `message`, then the details (already sanitized and masked).
    let body: String

    /// Counts as `OutcomeCounts` does; the JUnit writer derives its attributes from this.
    static func element(of outcome: StepOutcome) -> Element? {
        switch outcome {
        case .passed: nil
        case .failed: .failure
        case .error: .error
        case .skipped: .skipped
        }
    }

    static func failureType(kind: String) -> String {
        switch kind {
        case "status": "StatusMismatch"
        case "header": "HeaderMismatch"
        case "body": "BodyMismatch"
        case "schema": "SchemaViolation"
        case "secret": "SecretDisclosed"
        case "pagination": "PaginationFailed"
        case "lifecycle": "LifecycleViolation"
        case "capture": "CaptureFailed"
        default: "CheckFailed"
        }
    }

    static func errorType(kind: String) -> String {
        switch kind {
        case "timeout": "StepTimeout"
        case "connection": "ConnectionError"
        case "tls": "TLSError"
        case "protocol": "ProtocolError"
        case "scenario": "InvalidScenario"
        case "interrupted": "Interrupted"
        case "internal": "InternalError"
        default: "StepError"
        }
    }

    /// Builds the text for `step` of the scenario in `file`; `nil` for a passed step.
    init?(step: StepResult, file: String, stepLabel: String, safe: SafeText, excerptBytes: Int = 2048) {
        // Before any text is built: most steps pass, and this runs for every testcase of a report.
        if case .passed = step.outcome { return nil }
        let transcript = Transcript(safe: safe)
        let location = step.line > 0 ? "\(file):\(step.line)" : file
        let at = "  at \(safe.text(location)) (step \(safe.text(TextSanitizer.oneLine(stepLabel))))"
        func line(_ s: String) -> String { safe.text(TextSanitizer.oneLine(s)) }
        /// A blank line, then the step's last exchange in one line and the head of its response body.
        func lastExchange(_ label: String) -> [String] {
            guard let last = step.exchanges.last else { return [] }
            var lines = ["", label + transcript.summary(last)]
            if let excerpt = transcript.responseExcerpt(last, maxBytes: excerptBytes) { lines.append(excerpt) }
            return lines
        }

        switch step.outcome {
        case .passed:
            return nil
        case .failed(let failures):
            element = .failure
            type = Self.failureType(kind: failures.first?.kind ?? "")
            let first = failures.first.map { line($0.message) } ?? "step failed"
            message = failures.count > 1 ? "\(first) (and \(failures.count - 1) more failed checks)" : first
            var body = [message, at]
            for f in failures {
                if failures.count > 1 { body.append("  - [\(line(f.kind))] \(line(f.message))") }
                let indent = failures.count > 1 ? "      " : "  "
                if let e = f.expected { body.append(indent + "expected: " + Self.indented(safe.text(e), indent + "          ")) }
                if let a = f.actual { body.append(indent + "actual:   " + Self.indented(safe.text(a), indent + "          ")) }
                if let l = f.line, l != step.line { body.append(indent + "check at \(safe.text(file)):\(l)") }
            }
            body += lastExchange("response: ")
            self.body = body.joined(separator: "\n")
        case .error(let error):
            element = .error
            type = Self.errorType(kind: error.kind)
            message = line(error.message)
            self.body = ([message, at, "  kind: \(line(error.kind))"] + lastExchange("request: ")).joined(separator: "\n")
        case .skipped(let reason):
            element = .skipped
            type = "Skipped"
            message = line(reason)
            body = message
        }
    }

    /// Continuation lines of a multi-line value, indented under its first line.
    static func indented(_ text: String, _ indent: String) -> String {
        // Without a line-feed byte there is nothing to indent, told by `memchr`: `contains` with a String
        // argument is Foundation's search, a visible cost per failure. It stays the judge otherwise
        // (it does not see a line feed followed by a combining mark).
        guard text.containsByte(UInt8(ascii: "\n")), text.contains("\n") else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
    }
}
