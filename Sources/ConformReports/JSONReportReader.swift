import ConformJSON
import ConformRunner
import Foundation

extension JSONReport {
    /// Reads a report written by `write`: texts come back masked, `secrets` is empty.
    public static func read(_ path: String) throws(ReportError) -> RunResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, operation: "read", reason: "no such file or not readable")
        }
        let document: JSONDocument
        do {
            document = try JSONParser.parse([UInt8](data), file: path)
        } catch {
            throw .invalidReport(location: error.location.description, reason: error.message)
        }
        return try decode(document.root, file: path, document: document)
    }

    /// Decodes a report document; errors name the JSON Pointer (and its line when `document` is given).
    public static func decode(_ root: JSON, file: String = "<report>", document: JSONDocument? = nil) throws(ReportError) -> RunResult {
        try ReportDecoder(file: file, document: document).run(root)
    }
}

/// Reads the report's JSON back into results, naming the member at fault.
struct ReportDecoder {
    let file: String
    let document: JSONDocument?

    func fail(_ at: JSONPointer, _ reason: String) -> ReportError {
        let location = document?.location(of: at).description ?? file
        return .invalidReport(location: location, reason: "\(at.description.isEmpty ? "/" : at.description): \(reason)")
    }

    func member(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> JSON {
        guard v.objectValue != nil else { throw fail(at, "expected an object") }
        guard let m = v[key] else { throw fail(at, "missing member '\(key)'") }
        return m
    }

    func string(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> String {
        guard let s = try member(v, key, at).stringValue else { throw fail(at.appending(key), "expected a string") }
        return s
    }

    func optionalString(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> String? {
        let m = try member(v, key, at)
        if m.isNull { return nil }
        guard let s = m.stringValue else { throw fail(at.appending(key), "expected a string or null") }
        return s
    }

    func number(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> Double {
        guard let n = try member(v, key, at).numberValue, n.isFinite else { throw fail(at.appending(key), "expected a number") }
        return n
    }

    func int(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> Int {
        let n = try number(v, key, at)
        guard n.rounded() == n, abs(n) < 1e15 else { throw fail(at.appending(key), "expected an integer") }
        return Int(n)
    }

    func optionalInt(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> Int? {
        if try member(v, key, at).isNull { return nil }
        return try int(v, key, at)
    }

    func array(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> [JSON] {
        guard let a = try member(v, key, at).arrayValue else { throw fail(at.appending(key), "expected an array") }
        return a
    }

    func date(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> Date {
        guard let d = ReportTime.parseISO8601(try string(v, key, at)) else {
            throw fail(at.appending(key), "expected a UTC date-time like 2025-01-31T12:34:56.789Z")
        }
        return d
    }

    func run(_ root: JSON) throws(ReportError) -> RunResult {
        let top = JSONPointer.root
        guard try string(root, "format", top) == JSONReport.format else {
            throw fail(top.appending("format"), "not a conform report (expected \"\(JSONReport.format)\")")
        }
        let version = try int(root, "version", top)
        guard version == JSONReport.version else {
            throw fail(top.appending("version"), "unsupported report version \(version) (this conform reads \(JSONReport.version))")
        }
        let runJSON = try member(root, "run", top)
        let r = top.appending("run")
        var properties: [(name: String, value: String)] = []
        for (i, p) in try array(runJSON, "properties", r).enumerated() {
            let at = r.appending("properties").appending(i)
            properties.append((try string(p, "name", at), try string(p, "value", at)))
        }
        var scenarios: [ScenarioResult] = []
        for (i, s) in try array(root, "scenarios", top).enumerated() {
            scenarios.append(try scenario(s, top.appending("scenarios").appending(i)))
        }
        guard let interrupted = try member(runJSON, "interrupted", r).boolValue else {
            throw fail(r.appending("interrupted"), "expected true or false")
        }
        return RunResult(runID: try string(runJSON, "id", r), startedAt: try date(runJSON, "startedAt", r),
                         duration: try number(runJSON, "duration", r), properties: properties,
                         scenarios: scenarios, interrupted: interrupted, secrets: [])
    }

    func scenario(_ s: JSON, _ at: JSONPointer) throws(ReportError) -> ScenarioResult {
        var tags: [String] = []
        for (i, t) in try array(s, "tags", at).enumerated() {
            guard let tag = t.stringValue else { throw fail(at.appending("tags").appending(i), "expected a string") }
            tags.append(tag)
        }
        var steps: [StepResult] = []
        for (i, step) in try array(s, "steps", at).enumerated() {
            steps.append(try self.step(step, at.appending("steps").appending(i)))
        }
        return ScenarioResult(file: try string(s, "file", at), name: try string(s, "name", at), tags: tags,
                              startedAt: try date(s, "startedAt", at), duration: try number(s, "duration", at), steps: steps)
    }

    func step(_ s: JSON, _ at: JSONPointer) throws(ReportError) -> StepResult {
        let phaseText = try string(s, "phase", at)
        guard let phase = StepPhase(rawValue: phaseText) else {
            throw fail(at.appending("phase"), "expected main, cleanup or setup, not '\(phaseText)'")
        }
        let outcome: StepOutcome
        switch try string(s, "outcome", at) {
        case "passed":
            outcome = .passed
        case "failed":
            var failures: [CheckFailure] = []
            for (i, f) in try array(s, "failures", at).enumerated() {
                let fa = at.appending("failures").appending(i)
                failures.append(CheckFailure(kind: try string(f, "kind", fa), message: try string(f, "message", fa),
                                             expected: try optionalString(f, "expected", fa),
                                             actual: try optionalString(f, "actual", fa), line: try optionalInt(f, "line", fa)))
            }
            outcome = .failed(failures)
        case "error":
            let e = try member(s, "error", at)
            let ea = at.appending("error")
            outcome = .error(StepError(kind: try string(e, "kind", ea), message: try string(e, "message", ea)))
        case "skipped":
            outcome = .skipped(reason: try string(s, "skipReason", at))
        case let other:
            throw fail(at.appending("outcome"), "expected passed, failed, error or skipped, not '\(other)'")
        }
        var exchanges: [Exchange] = []
        for (i, x) in try array(s, "exchanges", at).enumerated() {
            exchanges.append(try exchange(x, at.appending("exchanges").appending(i)))
        }
        return StepResult(index: try int(s, "index", at), name: try string(s, "name", at), phase: phase,
                          line: try int(s, "line", at), duration: try number(s, "duration", at),
                          outcome: outcome, exchanges: exchanges)
    }

    func headers(_ v: JSON, _ key: String, _ at: JSONPointer) throws(ReportError) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for (i, h) in try array(v, key, at).enumerated() {
            let ha = at.appending(key).appending(i)
            out.append((try string(h, "name", ha), try string(h, "value", ha)))
        }
        return out
    }

    func exchange(_ x: JSON, _ at: JSONPointer) throws(ReportError) -> Exchange {
        Exchange(method: try string(x, "method", at), url: try string(x, "url", at),
                 requestHeaders: try headers(x, "requestHeaders", at),
                 requestBody: Array(try string(x, "requestBody", at).utf8),
                 status: try optionalInt(x, "status", at),
                 responseHeaders: try headers(x, "responseHeaders", at),
                 responseBody: Array(try string(x, "responseBody", at).utf8),
                 duration: try number(x, "duration", at), error: try optionalString(x, "error", at))
    }
}
