import ConformRunner

/// Which testcases carry their HTTP transcript in `<system-out>`.
public enum TranscriptPolicy: String, Sendable, CaseIterable {
    /// Every step that made a request.
    case all
    /// Only failed and errored steps.
    case failing
    /// No transcripts.
    case none
}

/// Settings of the JUnit XML report.
public struct JUnitOptions: Sendable {
    /// `name` of the `<testsuites>` root.
    public var name: String
    /// Write `file` and `line` on testcases; turn off for the Jenkins xUnit plugin, whose schema lacks them.
    public var fileAndLine: Bool
    /// Which testcases get a `<system-out>` transcript.
    public var transcripts: TranscriptPolicy
    /// Cap of each `<system-out>` and each failure/error body, in UTF-8 bytes (Jenkins keeps ≤ 100,000 characters).
    public var maxOutputBytes: Int
    /// Indent elements (two spaces); off gives a smaller file.
    public var indent: Bool

    public init(name: String = "conform", fileAndLine: Bool = true, transcripts: TranscriptPolicy = .all,
                maxOutputBytes: Int = 64 * 1024, indent: Bool = true) {
        self.name = name
        self.fileAndLine = fileAndLine
        self.transcripts = transcripts
        self.maxOutputBytes = maxOutputBytes
        self.indent = indent
    }
}

/// JUnit XML for CI viewers (Jenkins, GitLab, GitHub reporters, Azure, CircleCI): FORMAT.md §8.
///
/// One `<testsuite>` per scenario, one `<testcase>` per step with exactly one outcome
/// element; counts are derived from the same classification that picks the elements, so
/// attributes always equal children. Streams through libxml2, so memory stays flat.
public enum JUnitReport {
    /// Longest `message` attribute: it is one line, and the body carries the details.
    static let maxMessageBytes = 1024

    /// Writes `result` as JUnit XML to `path`, atomically, masked, and scanned for secrets.
    public static func write(_ result: RunResult, to path: String, options: JUnitOptions = JUnitOptions()) throws(ReportError) {
        try write(result, to: path, options: options, masking: Redactor(secrets: result.secrets))
    }

    /// `masking` is separate from the scan's secrets so tests can prove the scan stops a leak masking missed.
    static func write(_ result: RunResult, to path: String, options: JUnitOptions, masking: Redactor) throws(ReportError) {
        let safe = SafeText(redactor: masking, destination: .xml)
        try ReportFileWriter(secrets: result.secrets).write(to: path) { (fd: Int32) throws(ReportError) in
            let xml = try XMLStreamWriter(fd: fd, path: path, indent: options.indent)
            try xml.startDocument()
            try writeRoot(result, xml: xml, safe: safe, options: options)
            try xml.finish()
        }
    }

    static func counts(_ steps: [StepResult]) -> (tests: Int, failures: Int, errors: Int, skipped: Int) {
        var c = (tests: steps.count, failures: 0, errors: 0, skipped: 0)
        for step in steps {
            switch OutcomeText.element(of: step.outcome) {
            case .failure: c.failures += 1
            case .error: c.errors += 1
            case .skipped: c.skipped += 1
            case nil: break
            }
        }
        return c
    }

    static func writeRoot(_ result: RunResult, xml: XMLStreamWriter, safe: SafeText, options: JUnitOptions) throws(ReportError) {
        var total = (tests: 0, failures: 0, errors: 0)
        for s in result.scenarios {
            let c = counts(s.steps)
            total.tests += c.tests
            total.failures += c.failures
            total.errors += c.errors
        }
        try xml.start("testsuites")
        try xml.attribute("name", safe.text(TextSanitizer.oneLine(options.name)))
        try xml.attribute("tests", String(total.tests))
        try xml.attribute("failures", String(total.failures))
        try xml.attribute("errors", String(total.errors))
        try xml.attribute("time", ReportTime.seconds(result.duration))
        let identities = JUnitNames.suiteIdentities(result.scenarios)
        let properties = properties(of: result, safe: safe)
        for (i, (scenario, identity)) in zip(result.scenarios, identities).enumerated() {
            try writeSuite(scenario, identity: identity, properties: i == 0 ? properties : [], xml: xml, safe: safe, options: options)
        }
        try xml.end()
    }

    static func writeSuite(_ s: ScenarioResult, identity: (suite: String, classname: String), properties: [(String, String)],
                           xml: XMLStreamWriter, safe: SafeText, options: JUnitOptions) throws(ReportError) {
        let c = counts(s.steps)
        try xml.start("testsuite")
        try xml.attribute("name", safe.text(identity.suite))
        try xml.attribute("tests", String(c.tests))
        try xml.attribute("failures", String(c.failures))
        try xml.attribute("errors", String(c.errors))
        try xml.attribute("skipped", String(c.skipped))
        try xml.attribute("time", ReportTime.seconds(s.duration))
        try xml.attribute("timestamp", ReportTime.junitTimestamp(s.startedAt))
        try writeProperties(properties, xml: xml)

        let classname = safe.text(identity.classname)
        let file = safe.text(s.file)
        let width = JUnitNames.indexWidth(s.steps)
        var names = Set<String>(minimumCapacity: s.steps.count)
        for step in s.steps {
            let label = JUnitNames.testcaseName(index: step.index, name: step.name, width: width)
            var name = JUnitNames.fitted(safe.text(label), classname: classname)
            name = JUnitNames.unique(name, in: &names) { "\($0) (\($1))" }
            try writeCase(step, name: name, label: label, classname: classname, file: file, xml: xml, safe: safe, options: options)
        }
        try xml.end()
    }

    /// The run's settings, names unique. xunitparser merges the properties of all suites
    /// and rejects a name seen twice, so they are written once, in the first suite.
    static func properties(of run: RunResult, safe: SafeText) -> [(String, String)] {
        var own: [(String, String)] = []
        if !run.properties.contains(where: { $0.name == "run.id" }) { own.append(("run.id", run.runID)) }
        if run.interrupted { own.append(("interrupted", "true")) }
        let all = run.properties.filter { !(run.interrupted && $0.name == "interrupted") }.map { ($0.name, $0.value) } + own
        var seen = Set<String>()
        var out: [(String, String)] = []
        for (name, value) in all {
            let n = safe.text(TextSanitizer.oneLine(name))
            guard !n.isEmpty, seen.insert(n).inserted else { continue }
            out.append((n, safe.property(TextSanitizer.oneLine(value))))
        }
        return out
    }

    static func writeProperties(_ properties: [(String, String)], xml: XMLStreamWriter) throws(ReportError) {
        guard !properties.isEmpty else { return }
        try xml.start("properties")
        for (name, value) in properties {
            try xml.start("property")
            try xml.attribute("name", name)
            try xml.attribute("value", value)
            try xml.end()
        }
        try xml.end()
    }

    static func writeCase(_ step: StepResult, name: String, label: String, classname: String, file: String,
                          xml: XMLStreamWriter, safe: SafeText, options: JUnitOptions) throws(ReportError) {
        try xml.start("testcase")
        try xml.attribute("name", name)
        try xml.attribute("classname", classname)
        try xml.attribute("time", ReportTime.seconds(step.duration))
        if options.fileAndLine {
            try xml.attribute("file", file)
            if step.line > 0 { try xml.attribute("line", String(step.line)) }
        }
        if let outcome = OutcomeText(step: step, file: file, stepLabel: label, safe: safe) {
            try xml.start(outcome.element.rawValue)
            try xml.attribute("message", TextLimit.capped(outcome.message, maxBytes: maxMessageBytes))
            if outcome.element != .skipped { try xml.attribute("type", outcome.type) }
            try xml.text(TextLimit.capped(outcome.body, maxBytes: options.maxOutputBytes))
            try xml.end()
        }
        if wantsTranscript(step, options.transcripts), !step.exchanges.isEmpty {
            let transcript = Transcript(safe: safe).render(step.exchanges)
            try xml.start("system-out")
            try xml.text(TextLimit.capped(transcript, maxBytes: options.maxOutputBytes))
            try xml.end()
        }
        try xml.end()
    }

    static func wantsTranscript(_ step: StepResult, _ policy: TranscriptPolicy) -> Bool {
        switch policy {
        case .all: true
        case .none: false
        case .failing:
            switch step.outcome {
            case .failed, .error: true
            case .passed, .skipped: false
            }
        }
    }
}
