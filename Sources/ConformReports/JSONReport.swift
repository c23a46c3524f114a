import ConformJSON
import ConformRunner
import Foundation

/// Settings of the JSON report.
public struct JSONReportOptions: Sendable {
    /// Cap of each request and response body, in UTF-8 bytes; the original size is kept beside it.
    public var maxBodyBytes: Int
    /// Indent by two spaces (the default) or write one line.
    public var pretty: Bool

    public init(maxBodyBytes: Int = 1 << 20, pretty: Bool = true) {
        self.maxBodyBytes = maxBodyBytes
        self.pretty = pretty
    }
}

/// The run as a JSON document (`docs/report-format.md`, `docs/report.schema.json`).
///
/// It carries everything the JUnit report is built from, already masked, so `conform merge`
/// can read several of them back (`read`) and write one JUnit file. Texts are kept as the
/// server sent them (ANSI codes included: JSON can hold any character); only secrets are masked.
public enum JSONReport {
    /// Value of the top-level `format` member.
    public static let format = "conform-report"
    /// Value of the top-level `version` member; readers refuse other versions.
    public static let version = 1

    /// Writes `result` to `path`, atomically, masked, and scanned for secrets.
    public static func write(_ result: RunResult, to path: String, options: JSONReportOptions = JSONReportOptions()) throws(ReportError) {
        let text = encode(result, options: options).serialized(pretty: options.pretty) + "\n"
        try ReportFileWriter(secrets: result.secrets).write(Array(text.utf8), to: path)
    }

    /// The masked JSON document for `result`.
    public static func encode(_ result: RunResult, options: JSONReportOptions = JSONReportOptions()) -> JSON {
        let safe = SafeText(redactor: Redactor(secrets: result.secrets), destination: .json)
        return [
            "format": .string(format),
            "version": .number(Double(version)),
            "run": [
                "id": .string(safe.text(result.runID)),
                "startedAt": .string(ReportTime.iso8601(result.startedAt)),
                "duration": .number(result.duration),
                "interrupted": .bool(result.interrupted),
                "properties": .array(result.properties.map { ["name": .string(safe.text($0.name)), "value": .string(safe.property($0.value))] }),
                "counts": encode(result.counts),
            ],
            "scenarios": .array(result.scenarios.map { encode($0, safe: safe, options: options) }),
        ]
    }

    static func encode(_ c: OutcomeCounts) -> JSON {
        ["total": .number(Double(c.total)), "passed": .number(Double(c.passed)), "failed": .number(Double(c.failed)),
         "errors": .number(Double(c.errors)), "skipped": .number(Double(c.skipped))]
    }

    static func encode(_ s: ScenarioResult, safe: SafeText, options: JSONReportOptions) -> JSON {
        [
            "file": .string(safe.text(s.file)),
            "name": .string(safe.text(s.name)),
            "tags": .array(s.tags.map { .string(safe.text($0)) }),
            "startedAt": .string(ReportTime.iso8601(s.startedAt)),
            "duration": .number(s.duration),
            "verdict": .string(s.verdict.rawValue),
            "counts": encode(s.counts),
            "steps": .array(s.steps.map { encode($0, safe: safe, options: options) }),
        ]
    }

    static func encode(_ step: StepResult, safe: SafeText, options: JSONReportOptions) -> JSON {
        var failures: JSON = .null
        var error: JSON = .null
        var skipReason: JSON = .null
        let outcome: String
        switch step.outcome {
        case .passed:
            outcome = "passed"
        case .failed(let list):
            outcome = "failed"
            failures = .array(list.map { f in
                ["kind": .string(safe.text(f.kind)), "message": .string(safe.text(f.message)),
                 "expected": f.expected.map { .string(safe.text($0)) } ?? .null,
                 "actual": f.actual.map { .string(safe.text($0)) } ?? .null,
                 "line": f.line.map { .number(Double($0)) } ?? .null]
            })
        case .error(let e):
            outcome = "error"
            error = ["kind": .string(safe.text(e.kind)), "message": .string(safe.text(e.message))]
        case .skipped(let reason):
            outcome = "skipped"
            skipReason = .string(safe.text(reason))
        }
        return [
            "index": .number(Double(step.index)),
            "name": .string(safe.text(step.name)),
            "phase": .string(step.phase.rawValue),
            "line": .number(Double(step.line)),
            "duration": .number(step.duration),
            "outcome": .string(outcome),
            "failures": failures,
            "error": error,
            "skipReason": skipReason,
            "exchanges": .array(step.exchanges.map { encode($0, safe: safe, options: options) }),
        ]
    }

    static func encode(_ x: Exchange, safe: SafeText, options: JSONReportOptions) -> JSON {
        // Bodies are stored as (lossy) text, never base64: a secret inside a base64-encoded
        // body would be unaligned and invisible to both the masker and the final scan.
        func body(_ bytes: [UInt8]) -> JSON { .string(TextLimit.capped(safe.bytes(bytes), maxBytes: options.maxBodyBytes)) }
        func headers(_ list: [(name: String, value: String)]) -> JSON {
            .array(list.map { ["name": .string(safe.text($0.name)), "value": .string(safe.header($0.name, $0.value))] })
        }
        return [
            "method": .string(safe.text(x.method)),
            "url": .string(safe.url(x.url)),
            "requestHeaders": headers(x.requestHeaders),
            "requestBody": body(x.requestBody),
            "requestBodySize": .number(Double(x.requestBody.count)),
            "status": x.status.map { .number(Double($0)) } ?? .null,
            "responseHeaders": headers(x.responseHeaders),
            "responseBody": body(x.responseBody),
            "responseBodySize": .number(Double(x.responseBody.count)),
            "duration": .number(x.duration),
            "error": x.error.map { .string(safe.text($0)) } ?? .null,
        ]
    }
}
