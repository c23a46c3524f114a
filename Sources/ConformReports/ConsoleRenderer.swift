import ConformRunner
@preconcurrency import Rainbow

/// Console text for a run: pure functions returning strings; the caller prints them.
///
/// Server text shown here (excerpts, messages) is masked and stripped of escape sequences
/// and control characters, so a hostile response cannot rewrite the terminal.
public struct ConsoleRenderer: Sendable {
    /// Colour the verdicts; the caller decides (a TTY and no `NO_COLOR`).
    public let color: Bool
    let safe: SafeText
    /// Longest response excerpt under a failed step, in UTF-8 bytes and in lines.
    let excerptBytes = 512
    let excerptLines = 8

    public init(secrets: [KnownSecret], color: Bool) {
        self.color = color
        safe = SafeText(redactor: Redactor(secrets: secrets), destination: .terminal)
        if color { _ = RainbowSwitch.on }
    }

    /// The whole console report: each scenario's line and its problems, then the closing line.
    public func render(_ result: RunResult) -> String {
        var lines: [String] = []
        for s in result.scenarios {
            lines.append(scenarioLine(s))
            let details = problems(s)
            if !details.isEmpty { lines.append(details) }
        }
        if result.interrupted { lines.append(paint("interrupted: results are partial", .yellow)) }
        lines.append(closingLine(result.counts))
        return lines.joined(separator: "\n")
    }

    /// `✔ PASS  scenarios/x.json  Docker Hub lifecycle  (0.123 s)`
    public func scenarioLine(_ s: ScenarioResult) -> String {
        let (mark, padded, tint): (String, String, NamedColor) = switch s.verdict {
        case .passed: ("✔", "PASS ", .green)
        case .failed: ("✘", "FAIL ", .red)
        case .error: ("✘", "ERROR", .magenta)
        case .skipped: ("↷", "SKIP ", .yellow)
        }
        let file = safe.text(TextSanitizer.oneLine(s.file))
        let name = safe.text(TextSanitizer.oneLine(s.name))
        return "\(paint("\(mark) \(padded)", tint, bold: true)) \(file)  \(name)  (\(ReportTime.seconds(s.duration)) s)"
    }

    /// For each failed or errored step of `s`: the step, what was expected and found, and a response excerpt.
    public func problems(_ s: ScenarioResult) -> String {
        let width = JUnitNames.indexWidth(s.steps)
        var out: [String] = []
        for step in s.steps {
            // Only for a step with a problem: this runs for every finished scenario.
            var title: String {
                let location = step.line > 0 ? "\(s.file):\(step.line)" : s.file
                return "    " + paint(safe.text(JUnitNames.testcaseName(index: step.index, name: step.name, width: width)), bold: true)
                    + "  (\(safe.text(TextSanitizer.oneLine(location))))"
            }
            switch step.outcome {
            case .passed, .skipped:
                continue
            case .failed(let failures):
                out.append(title)
                for f in failures {
                    out.append("      " + paint("✘ " + line(f.message), .red))
                    if let e = f.expected { out.append("        expected: " + indented(safe.text(e))) }
                    if let a = f.actual { out.append("        actual:   " + indented(safe.text(a))) }
                }
            case .error(let e):
                out.append(title)
                out.append("      " + paint("✘ \(OutcomeText.errorType(kind: e.kind)): \(line(e.message))", .magenta))
            }
            if let last = step.exchanges.last {
                let transcript = Transcript(safe: safe)
                out.append("      " + (step.isError ? "request: " : "response: ") + transcript.summary(last))
                if let excerpt = transcript.responseExcerpt(last, maxBytes: excerptBytes) {
                    out.append(contentsOf: excerptRows(excerpt).map { "        " + $0 })
                }
            }
        }
        return out.joined(separator: "\n")
    }

    /// `N passed, N failed, N skipped`, counting steps; errors count as failed.
    public func closingLine(_ counts: OutcomeCounts) -> String {
        "\(counts.passed) passed, \(counts.failed + counts.errors) failed, \(counts.skipped) skipped"
    }

    func line(_ s: String) -> String { safe.text(TextSanitizer.oneLine(s)) }

    func indented(_ s: String) -> String { OutcomeText.indented(s, "                  ") }

    func excerptRows(_ excerpt: String) -> [String] {
        let all = excerpt.split(separator: "\n", omittingEmptySubsequences: false)
        var shown = all.prefix(excerptLines).map(String.init)
        if all.count > excerptLines { shown.append("… (\(all.count - excerptLines) more lines)") }
        return shown
    }

    func paint(_ s: String, _ tint: NamedColor? = nil, bold: Bool = false) -> String {
        guard color else { return s }
        var styled = s
        if let tint { styled = styled.applyingColor(tint) }
        if bold { styled = styled.bold }
        return styled
    }
}

extension StepResult {
    var isError: Bool { if case .error = outcome { true } else { false } }
}

/// Rainbow decides by itself from `isatty(stdout)` and `TERM`; once the caller asked for
/// colour, make Rainbow emit it even when the text goes to stderr or a pager.
enum RainbowSwitch {
    static let on: Void = {
        Rainbow.outputTarget = .console
        Rainbow.enabled = true
    }()
}
