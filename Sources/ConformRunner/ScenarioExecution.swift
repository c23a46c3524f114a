import ConformHTTP
import ConformJSON
import ConformScenario
import Foundation

/// Runs one scenario: steps in order, then cleanup steps and the ledger, whatever happened.
struct ScenarioExecution {
    let scenario: Scenario
    /// This execution's number in the run: what it created is its own to clean up, even when the
    /// same scenario runs more than once at a time (`--repeat`).
    let slot: Int
    let context: RunContext
    var scope: Scope
    let baseURL: String?
    /// Parsed response bodies of steps with an `id`, for `sameAs`.
    var bodiesByStepID: [String: JSON] = [:]
    var results: [StepResult] = []
    let clock = ContinuousClock()
    /// Why a variable that another scenario should have exported has no value.
    let unexported: [String: String]

    init(scenario: Scenario, slot: Int, context: RunContext, scope: Scope, baseURL: String?, unexported: [String: String] = [:]) {
        self.scenario = scenario
        self.slot = slot
        self.context = context
        self.scope = scope
        self.baseURL = baseURL
        self.unexported = unexported
    }

    var origin: String { "\(scenario.file) › \(scenario.name)" }

    mutating func run() async -> ScenarioResult {
        let startedAt = Date()
        let start = clock.now
        context.events(.scenarioStarted(file: scenario.file, name: scenario.name))
        // Results of every scenario are kept to the end of the run: no spare capacity.
        results.reserveCapacity(scenario.steps.count + scenario.cleanup.count)

        var stopReason: String? = prepareScope()
        if let reason = stopReason {
            results.append(StepResult(index: 0, name: "setup", phase: .setup, line: scenario.line, duration: 0,
                                      outcome: .error(StepError(kind: "scenario", message: reason)), exchanges: []))
            stopReason = "not run: setup failed"
        }
        for (i, step) in scenario.steps.enumerated() {
            let index = i + 1
            if let reason = stopReason {
                results.append(skipped(step, index: index, phase: .main, reason: reason))
                continue
            }
            if context.stop.isStopped {
                stopReason = "not run: the run was interrupted"
                results.append(skipped(step, index: index, phase: .main, reason: stopReason!))
                continue
            }
            let result = await execute(step, index: index, phase: .main)
            results.append(result)
            switch result.outcome {
            case .failed: stopReason = "not run: step \(Self.pad(index)) failed"
            case .error: stopReason = "not run: step \(Self.pad(index)) could not be performed"
            default: break
            }
        }
        // Cleanup runs in a task of its own so that it is performed even when the calling
        // task was cancelled; on the transfer thread, like the steps (an unstructured task does
        // not inherit the executor preference, and the hop there and back was per scenario).
        let cleanupResults = await Task(executorPreference: context.client.executor) { [self] in
            var me = self
            return await me.runCleanup()
        }.value
        results += cleanupResults

        let duration = (clock.now - start).seconds
        let result = ScenarioResult(file: scenario.file, name: scenario.name, tags: scenario.tags, startedAt: startedAt,
                                    duration: duration, steps: results)
        context.events(.scenarioFinished(result))
        return result
    }

    /// Fills the scope with the scenario's variables; returns why the scenario cannot run, if it cannot.
    mutating func prepareScope() -> String? {
        for name in scenario.requires where scope[name] == nil {
            if let reason = unexported[name] { return "required variable '\(name)' has no value: \(reason)" }
            return "required variable '\(name)' has no value (pass --var \(name)=…, --vars-file, or --mock)"
        }
        for name in scenario.secrets {
            if let v = scope[name] { context.secrets.add(name: name, value: v.plainText) }
        }
        for (name, template) in scenario.variables where scope[name] == nil || !scenario.requires.contains(name) {
            do { scope[name] = try template.render(in: scope) } catch {
                return "variable '\(name)': \(error.message)"
            }
        }
        return nil
    }

    mutating func runCleanup() async -> [StepResult] {
        var out: [StepResult] = []
        let base = scenario.steps.count
        for (i, step) in scenario.cleanup.enumerated() {
            let index = base + i + 1
            if let missing = missingVariables(step) {
                out.append(skipped(step, index: index, phase: .cleanup,
                                   reason: "not run: \(missing.map { "{{\($0)}}" }.joined(separator: ", ")) never captured"))
                continue
            }
            out.append(await execute(step, index: index, phase: .cleanup))
        }
        // Whatever the run created and nobody deleted: delete it now, newest first.
        for entry in context.ledger.outstanding(owner: slot) {
            let (response, error, exchanges) = await perform(entry.request, deadline: context.configuration.cleanupDeadline)
            if let response, (200..<300).contains(response.status) || response.status == 404 {
                context.ledger.settle(id: entry.id)
                continue
            }
            let message = error?.message ?? "status \(response?.status ?? 0)"
            out.append(StepResult(index: base + out.count + 1, name: "delete leftover \(entry.request.method) \(entry.request.url)",
                                  phase: .cleanup, line: scenario.line, duration: exchanges.reduce(0) { $0 + $1.duration },
                                  outcome: .error(StepError(kind: "cleanup", message: "could not delete a resource this run created: \(message)")),
                                  exchanges: exchanges))
        }
        return out
    }

    /// Variables a step uses that have no value now (cleanup steps after an early stop).
    func missingVariables(_ step: Step) -> [String]? {
        var names: [Placeholder] = []
        func add(_ r: RequestTemplate) {
            switch r.target {
            case .path(let t), .url(let t): names += t.placeholders
            }
            names += r.query.flatMap(\.value.placeholders)
            names += r.headers.flatMap(\.value.placeholders)
            if case .json(let j)? = r.body { names += j.placeholders }
            if case .raw(let t)? = r.body { names += t.placeholders }
        }
        switch step.action {
        case .request(let r): add(r)
        case .paginate(let p): add(p.request)
        }
        let missing = names.compactMap { p -> String? in
            if case .variable(let n) = p, scope[n] == nil, n != "iteration" { return n }
            return nil
        }
        return missing.isEmpty ? nil : Array(Set(missing)).sorted()
    }

    func skipped(_ step: Step, index: Int, phase: StepPhase, reason: String) -> StepResult {
        StepResult(index: index, name: step.name, phase: phase, line: step.line, duration: 0, outcome: .skipped(reason: reason), exchanges: [])
    }

    static func pad(_ i: Int) -> String { i < 10 ? "0\(i)" : "\(i)" }

    // MARK: One step

    mutating func execute(_ step: Step, index: Int, phase: StepPhase) async -> StepResult {
        let start = clock.now
        var exchanges: [Exchange] = []
        let outcome: StepOutcome
        switch step.action {
        case .request(let template):
            outcome = await executeRequest(step, template: template, exchanges: &exchanges)
        case .paginate(let pagination):
            var walker = PaginationWalk(step: step, pagination: pagination, execution: self)
            outcome = await walker.run(exchanges: &exchanges)
            scope = walker.execution.scope
        }
        // Transcripts go out only after the step's checks, which register the secrets its
        // responses carry: a `-v` line printed earlier would show a new secret in clear.
        for exchange in exchanges { context.events(.exchange(file: scenario.file, step: step.name, exchange)) }
        var kept = exchanges
        if case .passed = outcome, !context.configuration.keepPassingTranscripts {
            // Passing steps keep the request line and status only: a long run stays small.
            kept = exchanges.map { var e = $0; e.requestHeaders = []; e.requestBody = []; e.responseHeaders = []; e.responseBody = []; return e }
        }
        return StepResult(index: index, name: step.name, phase: phase, line: step.line, duration: (clock.now - start).seconds,
                          outcome: outcome, exchanges: kept)
    }

    mutating func executeRequest(_ step: Step, template: RequestTemplate, exchanges: inout [Exchange]) async -> StepOutcome {
        let iterations = step.repeatCount ?? 1
        var collected: [String: [JSON]] = [:]
        for iteration in 0..<iterations {
            if iteration > 0 && context.stop.isStopped {
                for (name, values) in collected { scope[name] = .array(values) }
                return .error(StepError(kind: "interrupted", message: "the run was interrupted after \(iteration) of \(iterations) repetitions"))
            }
            if step.repeatCount != nil { scope["iteration"] = .number(Double(iteration)) }
            let prepared: PreparedRequest
            do {
                prepared = try RequestRenderer.render(template, defaults: scenario.defaults, baseURL: baseURL, scope: scope)
            } catch {
                return .error(StepError(kind: "scenario", message: "cannot build the request: \(error.message)"))
            }
            for (i, credential) in prepared.credentials.enumerated() {
                context.secrets.add(name: i == 0 ? "credential" : "credential\(i + 1)", value: credential)
            }
            let (response, error, sent) = await perform(prepared, deadline: nil)
            exchanges += sent
            guard let response else { return .error(error!) }
            var captured: [String: JSON] = [:]
            let failures = check(step, request: prepared, response: response, captured: &captured)
            for (name, value) in captured {
                if step.repeatCount != nil { collected[name, default: []].append(value) } else { scope[name] = value }
            }
            if !failures.isEmpty {
                for (name, values) in collected { scope[name] = .array(values) }
                return .failed(failures)
            }
        }
        for (name, values) in collected { scope[name] = .array(values) }
        scope["iteration"] = nil
        return .passed
    }

    /// Every check of a request step on its response. Captures are taken even when a check
    /// fails, so cleanup can still delete what the step created.
    mutating func check(_ step: Step, request: PreparedRequest, response: HTTPResponse,
                        captured: inout [String: JSON]) -> [CheckFailure] {
        var failures: [CheckFailure] = []
        let headers = response.headers.map { (name: $0.name, value: $0.value) }
        let (body, bodyError) = Self.parseBody(response.body)
        failures += disclosureFailures(headers: headers, body: response.body, parsed: body)

        let statusExpectation = step.expect.status ?? StatusExpectation(items: [.statusClass(2)], line: step.line)
        if !statusExpectation.matches(response.status) {
            var message = "expected status \(statusExpectation), got \(response.status)"
            if let excerpt = Self.excerpt(response.body) { message += ": \(excerpt)" }
            failures.append(CheckFailure(kind: "status", message: message, expected: statusExpectation.description,
                                         actual: String(response.status), line: statusExpectation.line))
        }
        let evaluator = context.evaluator
        for h in step.expect.headers {
            let values = response.headers(named: h.name)
            let value: JSON? = values.isEmpty ? nil : .string(values.joined(separator: ", "))
            for a in h.assertions {
                if let f = evaluator.check(a, value: value, subject: "header \(h.name)", scope: scope) {
                    failures.append(CheckFailure(kind: "header", message: f.message, expected: f.expected, actual: f.actual, line: h.line))
                }
            }
        }
        let needsJSON = !step.expect.body.isEmpty || step.expect.schema != nil || step.expect.sameAs != nil
            || step.oneTimeSecret != nil || step.captures.contains { if case .body = $0.source { true } else { false } }
        if needsJSON, body == nil {
            failures.append(CheckFailure(kind: "body", message: "response body is not JSON: \(bodyError ?? "empty body")",
                                         expected: "a JSON body", actual: Self.excerpt(response.body) ?? "(empty)", line: step.line))
        }
        // The server answered, wrongly: a JSON body sent under another media type is a failure, not a harness error.
        if needsJSON, !response.body.isEmpty, let type = response.header("Content-Type"), !Self.isJSONMediaType(type) {
            failures.append(CheckFailure(kind: "header", message: "Content-Type is \"\(type)\", but the body must be JSON (application/json or a +json type)",
                                         expected: "application/json", actual: type, line: step.line))
        }
        if let body {
            for b in step.expect.body {
                let value: JSON?
                do { value = try Evaluator.select(b.selector, in: body, scope: scope) } catch {
                    failures.append(CheckFailure(kind: "body", message: "\(b.selector): \(error)", line: b.line))
                    continue
                }
                for a in b.assertions {
                    if let f = evaluator.check(a, value: value, subject: b.selector.description, scope: scope) {
                        failures.append(CheckFailure(kind: "body", message: f.message, expected: f.expected, actual: f.actual, line: b.line))
                    }
                }
            }
            if let schema = step.expect.schema {
                do {
                    let violations = try context.schemas.violations(of: body, against: schema)
                    if !violations.isEmpty {
                        let more = violations.count > 1 ? " (and \(violations.count - 1) more)" : ""
                        failures.append(CheckFailure(kind: "schema", message: "body does not match the schema: \(violations[0])\(more)",
                                                     expected: "valid against the schema", actual: violations.joined(separator: "\n"),
                                                     line: schema.line))
                    }
                } catch {
                    failures.append(CheckFailure(kind: "schema", message: "cannot use the schema: \(error)", line: schema.line))
                }
            }
            if let same = step.expect.sameAs {
                failures += sameAsFailures(same, body: body)
            }
            if let id = step.id { bodiesByStepID[id] = body }
        }
        if let secret = step.oneTimeSecret {
            failures += oneTimeSecretChecks(secret, body: body, captured: &captured)
        }
        for c in step.captures {
            switch capture(c, response: response, body: body) {
            case .success(let v):
                captured[c.name] = v
                if c.secret { context.secrets.add(name: c.name, value: v.plainText) }
            case .failure(let f):
                failures.append(f)
            }
        }
        // Bind captures now so `creates` can use them (e.g. the new id).
        for (k, v) in captured { scope[k] = v }
        if let creates = step.creates, (200..<300).contains(response.status) {
            do {
                let delete = try RequestRenderer.render(creates, defaults: scenario.defaults, baseURL: baseURL, scope: scope)
                context.ledger.record(delete, auth: creates.auth ?? scenario.defaults.auth, scenarioFile: scenario.file, owner: slot)
            } catch {
                failures.append(CheckFailure(kind: "capture", message: "cannot record how to delete the new resource: \(error.message)", line: step.line))
            }
        }
        return failures
    }

    func disclosureFailures(headers: [(name: String, value: String)], body: [UInt8], parsed: JSON?) -> [CheckFailure] {
        context.secrets.disclosures(headers: headers, body: body, parsedBody: parsed).map { d in
            CheckFailure(kind: "secret",
                         message: "one-time secret '\(d.secretName)' disclosed again in the \(d.place) (it was issued to \(d.origin))",
                         expected: "the secret never appears again", actual: "found in the \(d.place)")
        }
    }

    mutating func oneTimeSecretChecks(_ secret: OneTimeSecret, body: JSON?, captured: inout [String: JSON]) -> [CheckFailure] {
        guard let body else { return [] }
        guard let value = secret.pointer.resolve(in: body) else {
            return [CheckFailure(kind: "secret", message: "the one-time secret is missing at \(secret.pointer)",
                                 expected: "a non-empty string at \(secret.pointer)", actual: "missing", line: secret.line)]
        }
        guard case .string(let s) = value, !s.isEmpty else {
            return [CheckFailure(kind: "secret", message: "the one-time secret at \(secret.pointer) is not a non-empty string",
                                 expected: "a non-empty string", actual: value.typeName, line: secret.line)]
        }
        let name = secret.captureAs ?? "one-time secret"
        context.secrets.addOneTime(name: name, value: s, origin: origin)
        if let n = secret.captureAs { captured[n] = value }
        if let pattern = secret.pattern {
            let ok = (try? RegexCache.shared.matches(pattern, s)) ?? false
            if !ok {
                return [CheckFailure(kind: "secret", message: "the one-time secret at \(secret.pointer) does not match /\(pattern)/",
                                     expected: "/\(pattern)/", actual: "<secret:\(name)>", line: secret.line)]
            }
        }
        return []
    }

    func sameAsFailures(_ same: SameAs, body: JSON) -> [CheckFailure] {
        guard let earlier = bodiesByStepID[same.step] else {
            return [CheckFailure(kind: "lifecycle", message: "step '\(same.step)' has no JSON response to compare with", line: same.line)]
        }
        var out: [CheckFailure] = []
        for p in same.pointers {
            let a = p.resolve(in: earlier)
            let b = p.resolve(in: body)
            if a != b {
                let show: (JSON?) -> String = { $0.map(Evaluator.show) ?? "missing" }
                out.append(CheckFailure(kind: "lifecycle",
                                        message: "\(p): \(show(b)) differs from step '\(same.step)', which returned \(show(a))",
                                        expected: show(a), actual: show(b), line: same.line))
            }
        }
        return out
    }

    func capture(_ c: Capture, response: HTTPResponse, body: JSON?) -> Result<JSON, CheckFailure> {
        var value: JSON?
        let from: String
        switch c.source {
        case .status:
            value = .number(Double(response.status))
            from = "the status"
        case .header(let name):
            value = response.header(name).map(JSON.string)
            from = "header \(name)"
        case .body(let selector):
            from = selector.description
            if let body { value = try? Evaluator.select(selector, in: body, scope: scope) }
        }
        guard var found = value else {
            return .failure(CheckFailure(kind: "capture", message: "cannot capture '\(c.name)': \(from) is missing", line: c.line))
        }
        if let regex = c.regex {
            guard let group = try? RegexCache.shared.firstGroup(regex, found.plainText) else {
                return .failure(CheckFailure(kind: "capture", message: "cannot capture '\(c.name)': \(from) does not match /\(regex)/",
                                             actual: Evaluator.show(found), line: c.line))
            }
            found = .string(group)
        }
        return .success(found)
    }

    static func parseBody(_ bytes: [UInt8]) -> (JSON?, String?) {
        guard !bytes.isEmpty else { return (nil, nil) }
        do { return (try JSONParser.value(bytes), nil) } catch {
            return (nil, "\(error.location.line):\(error.location.column): \(error.message)")
        }
    }

    /// `application/json` or a structured `+json` type (`application/problem+json`), parameters ignored.
    static func isJSONMediaType(_ value: String) -> Bool {
        var bytes = value
        if let ascii = bytes.withUTF8(asciiIsJSONMediaType) { return ascii }
        let essence = (value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
        return essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json"))
    }

    /// `isJSONMediaType` on the bytes of an ASCII value (every real Content-Type), `nil` for others:
    /// Foundation's trimming and lowercasing were 2 % of a run's CPU. The same rules: within ASCII,
    /// `.whitespaces` is space and tab; a leading `;` (whose empty piece `split` drops) goes the long way.
    static func asciiIsJSONMediaType(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard b.first != UInt8(ascii: ";"), b.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isSpace(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
        var start = 0
        var end = b.firstIndex(of: UInt8(ascii: ";")) ?? b.count
        while start < end, isSpace(b[start]) { start += 1 }
        while end > start, isSpace(b[end - 1]) { end -= 1 }
        func lower(_ c: UInt8) -> UInt8 { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) ? c | 0x20 : c }
        func matches(_ word: StaticString, at offset: Int) -> Bool {
            guard offset >= start, offset + word.utf8CodeUnitCount <= end else { return false }
            return (0..<word.utf8CodeUnitCount).allSatisfy { lower(b[offset + $0]) == word.utf8Start[$0] }
        }
        let count = end - start
        if count == 16, matches("application/json", at: start) { return true }
        return matches("application/", at: start) && matches("+json", at: end - 5)
    }

    /// The start of a body for a one-line message.
    static func excerpt(_ bytes: [UInt8], limit: Int = 160) -> String? {
        guard !bytes.isEmpty else { return nil }
        let text = String(decoding: bytes.prefix(limit * 4), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    // MARK: Transport

    /// Sends a request, retrying 429/503 as `Retry-After` says and following redirects when asked.
    func perform(_ first: PreparedRequest, deadline: Double?) async -> (HTTPResponse?, StepError?, [Exchange]) {
        var exchanges: [Exchange] = []
        var request = first
        var retriesLeft = context.configuration.retries
        var redirects = 0
        // Requests of a redirect chain, for loop detection; started at the first redirect only.
        var visited: Set<String> = []
        while true {
            let start = clock.now
            let timeout = deadline ?? request.timeout ?? context.configuration.timeout
            let options = TransferOptions(timeout: .seconds(timeout), connectTimeout: .seconds(min(timeout, context.configuration.connectTimeout)),
                                          insecure: context.configuration.insecure, caCertPath: context.configuration.caCertPath,
                                          maxBodyBytes: context.configuration.maxBodyBytes)
            let httpRequest = HTTPRequest(method: request.method, url: request.url,
                                          headers: request.headers.map { HTTPHeader(name: $0.name, value: $0.value) }, body: request.body)
            let response: HTTPResponse
            do {
                response = try await context.client.send(httpRequest, options: options)
            } catch {
                let stepError = Self.classify(error)
                let exchange = Exchange(method: request.method, url: request.url, requestHeaders: request.headers.map { ($0.name, $0.value) },
                                        requestBody: Self.cap(request.body ?? []), status: nil, responseHeaders: [], responseBody: [],
                                        duration: (clock.now - start).seconds, error: stepError.message)
                exchanges.append(exchange)
                return (nil, stepError, exchanges)
            }
            let exchange = Exchange(method: request.method, url: request.url, requestHeaders: request.headers.map { ($0.name, $0.value) },
                                    requestBody: Self.cap(request.body ?? []), status: response.status,
                                    responseHeaders: response.headers.map { ($0.name, $0.value) }, responseBody: Self.cap(response.body),
                                    duration: (clock.now - start).seconds, error: nil)
            exchanges.append(exchange)
            if request.method == "DELETE" { context.ledger.settle(method: request.method, url: request.url, status: response.status) }

            if (response.status == 429 || response.status == 503), retriesLeft > 0, !context.stop.isStopped {
                let attempt = context.configuration.retries - retriesLeft
                let wait = Self.retryDelay(response.header("Retry-After"), attempt: attempt)
                if wait <= context.configuration.retryMaxWait {
                    retriesLeft -= 1
                    try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                    if !context.stop.isStopped { continue }
                }
            }
            if request.followRedirects, [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") {
                redirects += 1
                guard redirects <= context.configuration.maxRedirects,
                      let next = RequestRenderer.redirect(request, status: response.status, location: location) else {
                    return (nil, StepError(kind: "protocol", message: "more than \(context.configuration.maxRedirects) redirects (last to \(location))"), exchanges)
                }
                if visited.isEmpty { visited.insert(first.method + " " + first.url) }
                if !visited.insert(next.method + " " + next.url).inserted && visited.count > 1 && redirects > 1 {
                    return (nil, StepError(kind: "protocol", message: "redirect loop: \(next.url) was already visited"), exchanges)
                }
                request = next
                continue
            }
            return (response, nil, exchanges)
        }
    }

    /// Seconds to wait before retrying: `Retry-After` as seconds or an HTTP date, else 1, 2, 4… seconds.
    static func retryDelay(_ header: String?, attempt: Int) -> Double {
        if let header {
            let trimmed = header.trimmingCharacters(in: .whitespaces)
            if let seconds = Double(trimmed), seconds >= 0 { return seconds }
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = f.date(from: trimmed) { return max(0, date.timeIntervalSinceNow) }
        }
        return Double(1 << min(attempt, 5))
    }

    /// Bodies kept in results are capped; the cap is visible in reports.
    static let transcriptBodyLimit = 64 << 10

    static func cap(_ bytes: [UInt8]) -> [UInt8] {
        bytes.count <= transcriptBodyLimit ? bytes : Array(bytes.prefix(transcriptBodyLimit))
    }

    /// Transport failures grouped the way reports show them (`timeout`, `connection`, …).
    static func classify(_ error: TransportError) -> StepError {
        let kind = switch error {
        case .timedOut: "timeout"
        case .connectionRefused, .couldNotConnect, .couldNotResolveHost, .connectionReset, .connectionClosed,
             .sendFailed, .receiveFailed: "connection"
        case .tls: "tls"
        case .bodyTooLarge, .malformedResponse: "protocol"
        case .cancelled, .shutDown: "interrupted"
        case .invalidURL, .invalidRequest: "scenario"
        case .other: "internal"
        }
        return StepError(kind: kind, message: error.description)
    }
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
