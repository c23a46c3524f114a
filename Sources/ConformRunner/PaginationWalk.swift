import ConformHTTP
import ConformJSON
import ConformScenario
import Foundation

/// Walks a collection page by page and checks that the pages agree with each other:
/// page sizes, no duplicates, the walk ends, envelope fields (`count`, `total`,
/// `next`/`previous`, echoed `offset`/`limit`) match the items, a page past the end is
/// empty, and expected ids appear exactly once (or not at all).
struct PaginationWalk {
    let step: Step
    let pagination: Pagination
    var execution: ScenarioExecution

    struct Page {
        let number: Int
        let request: PreparedRequest
        let body: JSON
        let items: [JSON]
    }

    init(step: Step, pagination: Pagination, execution: ScenarioExecution) {
        self.step = step
        self.pagination = pagination
        self.execution = execution
    }

    var p: Pagination { pagination }

    mutating func run(exchanges: inout [Exchange]) async -> StepOutcome {
        var failures: [CheckFailure] = []
        var pages: [Page] = []
        var seen: [JSON: Int] = [:]  // id → page number where first seen
        var order: [JSON] = []
        var nextURL: String?
        var ended = false

        for pageNumber in 1...p.maxPages {
            if execution.context.stop.isStopped { return .error(StepError(kind: "interrupted", message: "the run was interrupted during the walk")) }
            let request: PreparedRequest
            do { request = try prepare(page: pageNumber, nextURL: nextURL) } catch {
                return .error(StepError(kind: "scenario", message: "cannot build the page request: \(error)"))
            }
            let (response, error, sent) = await execution.perform(request, deadline: nil)
            exchanges += sent
            guard let response else { return .error(error!) }
            let where_ = "page \(pageNumber) (\(label(request)))"

            let headers = response.headers.map { (name: $0.name, value: $0.value) }
            let (parsed, parseError) = ScenarioExecution.parseBody(response.body)
            failures += execution.disclosureFailures(headers: headers, body: response.body, parsed: parsed)
            let status = step.expect.status ?? StatusExpectation(items: [.exact(200)])
            guard status.matches(response.status) else {
                failures.append(fail("\(where_): expected status \(status), got \(response.status)"
                                     + (ScenarioExecution.excerpt(response.body).map { ": \($0)" } ?? "")))
                return .failed(failures)
            }
            guard let body = parsed else {
                failures.append(fail("\(where_): body is not JSON: \(parseError ?? "empty body")"))
                return .failed(failures)
            }
            guard case .array(let items)? = p.items.resolve(in: body) else {
                failures.append(fail("\(where_): no items array at \(p.items.description.isEmpty ? "the body root" : p.items.description)"))
                return .failed(failures)
            }
            failures += checkPage(body: body, items: items, request: request, where_: where_, pageNumber: pageNumber)

            for (i, item) in items.enumerated() {
                guard let id = p.id.resolve(in: item) else {
                    failures.append(fail("\(where_): item \(i) has no id at \(p.id)"))
                    continue
                }
                if let first = seen[id] {
                    failures.append(fail("\(where_): item \(Evaluator.show(id)) appears again (first seen on page \(first))",
                                         expected: "each item exactly once", actual: "duplicate \(Evaluator.show(id))"))
                } else {
                    seen[id] = pageNumber
                    order.append(id)
                }
            }
            pages.append(Page(number: pageNumber, request: request, body: body, items: items))

            // Decide whether this was the last page.
            switch p.style {
            case .next:
                nextURL = nextLink(body: body, response: response)
                ended = nextURL == nil
            case .offset, .page:
                if let totalPointer = p.total, case .number(let total)? = totalPointer.resolve(in: body) {
                    let consumed = (pageNumber - 1) * p.pageSize + items.count
                    ended = items.count < p.pageSize || Double(consumed) >= total
                } else {
                    ended = items.count < p.pageSize
                }
            }
            if ended { break }
        }
        if !ended {
            failures.append(fail("the walk did not end within \(p.maxPages) pages (maxPages)",
                                 expected: "a last page", actual: "\(p.maxPages) full pages"))
            return .failed(failures)
        }
        failures += checkWalk(pages: pages, uniqueCount: seen.count)
        if p.checkPastEnd && p.style != .next, let last = pages.last {
            let outcome = await checkPastEnd(after: last, exchanges: &exchanges)
            if case .error(let e) = outcome { return .error(e) }
            if case .failed(let f) = outcome { failures += f }
        }
        for template in p.expectIDs {
            guard let expected = render(template, into: &failures) else { continue }
            let ids: [JSON] = if case .array(let many) = expected { many } else { [expected] }
            for id in ids where seen[id] == nil {
                failures.append(fail("\(Evaluator.show(id)) is missing from the walk of \(pages.count) pages (\(seen.count) items)",
                                     expected: "present exactly once", actual: "absent"))
            }
        }
        for template in p.expectAbsentIDs {
            guard let expected = render(template, into: &failures) else { continue }
            let ids: [JSON] = if case .array(let many) = expected { many } else { [expected] }
            for id in ids {
                if let page = seen[id] {
                    failures.append(fail("\(Evaluator.show(id)) is still listed (page \(page)) although it should be gone",
                                         expected: "absent", actual: "listed on page \(page)"))
                }
            }
        }
        if let name = p.captureIDs { execution.scope[name] = .array(order) }
        return failures.isEmpty ? .passed : .failed(failures)
    }

    func render(_ t: JSONTemplate, into failures: inout [CheckFailure]) -> JSON? {
        do { return try t.render(in: execution.scope) } catch {
            failures.append(fail("cannot evaluate an expected id: \(error.message)"))
            return nil
        }
    }

    func fail(_ message: String, expected: String? = nil, actual: String? = nil) -> CheckFailure {
        CheckFailure(kind: "pagination", message: message, expected: expected, actual: actual, line: p.line)
    }

    func label(_ r: PreparedRequest) -> String {
        guard let q = r.url.firstIndex(of: "?") else { return "no query" }
        return String(r.url[r.url.index(after: q)...])
    }

    func numberText(_ n: Int) -> String { String(n) }

    func prepare(page: Int, nextURL: String?) throws -> PreparedRequest {
        var template = p.request
        if let nextURL, p.style == .next {
            template.target = .url(Template(literal: absolute(nextURL)))
            template.query = []
        } else {
            switch p.style {
            case .offset:
                template.query.append((p.offsetParam, Template(literal: numberText((page - 1) * p.pageSize))))
                template.query.append((p.limitParam, Template(literal: numberText(p.pageSize))))
            case .page:
                template.query.append((p.pageParam, Template(literal: numberText(p.firstPage + page - 1))))
                template.query.append((p.sizeParam, Template(literal: numberText(p.pageSize))))
            case .next:
                // The first page of a next-link walk states its size the usual way, if the
                // request names a size parameter; otherwise the server's default applies.
                break
            }
        }
        return try RequestRenderer.render(template, defaults: execution.scenario.defaults,
                                          baseURL: execution.baseURL, scope: execution.scope)
    }

    /// A next link may be relative to the base URL.
    func absolute(_ link: String) -> String {
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        guard let base = execution.baseURL,
              let url = URL(string: link, relativeTo: URL(string: base.hasSuffix("/") ? base : base + "/")) else { return link }
        return link.hasPrefix("/") ? (URL(string: link, relativeTo: URL(string: base))?.absoluteString ?? link) : url.absoluteString
    }

    func nextLink(body: JSON, response: HTTPResponse) -> String? {
        if let pointer = p.nextLink, case .string(let s)? = pointer.resolve(in: body), !s.isEmpty { return s }
        if p.useLinkHeader, let link = response.header("Link") { return Self.linkHeaderNext(link) }
        return nil
    }

    /// The `rel="next"` target of an RFC 8288 `Link` header.
    static func linkHeaderNext(_ header: String) -> String? {
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = pieces.dropFirst().contains { param in
                let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, kv[0].lowercased() == "rel" else { return false }
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ").contains("next")
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }

    /// Checks of one page on its own.
    func checkPage(body: JSON, items: [JSON], request: PreparedRequest, where_: String, pageNumber: Int) -> [CheckFailure] {
        var out: [CheckFailure] = []
        if items.count > p.pageSize && p.style != .next {
            out.append(fail("\(where_): \(items.count) items on a page of size \(p.pageSize)",
                            expected: "at most \(p.pageSize) items", actual: "\(items.count) items"))
        }
        if let c = p.count {
            let value = c.resolve(in: body)
            if value?.numberValue.map({ Int($0) }) != items.count {
                out.append(fail("\(where_): \(c) is \(value.map(Evaluator.show) ?? "missing") but the page has \(items.count) items",
                                expected: String(items.count), actual: value.map(Evaluator.show) ?? "missing"))
            }
        }
        if let e = p.echoOffset, p.style == .offset {
            let want = (pageNumber - 1) * p.pageSize
            let value = e.resolve(in: body)
            if value.map({ $0.plainText }) != String(want) {
                out.append(fail("\(where_): \(e) echoes \(value.map(Evaluator.show) ?? "nothing"), but the request asked for offset \(want)",
                                expected: String(want), actual: value.map(Evaluator.show) ?? "missing"))
            }
        }
        if let e = p.echoLimit {
            let value = e.resolve(in: body)
            if value.map({ $0.plainText }) != String(p.pageSize) {
                out.append(fail("\(where_): \(e) echoes \(value.map(Evaluator.show) ?? "nothing"), but the request asked for \(p.pageSize)",
                                expected: String(p.pageSize), actual: value.map(Evaluator.show) ?? "missing"))
            }
        }
        if let schema = p.pageSchema {
            out += schemaFailures(body, schema: schema, subject: "\(where_)")
        }
        if let schema = p.itemSchema {
            for (i, item) in items.enumerated() {
                out += schemaFailures(item, schema: schema, subject: "\(where_), item \(i)")
            }
        }
        return out
    }

    func schemaFailures(_ value: JSON, schema: SchemaReference, subject: String) -> [CheckFailure] {
        do {
            let v = try execution.context.schemas.violations(of: value, against: schema)
            guard let first = v.first else { return [] }
            return [CheckFailure(kind: "schema", message: "\(subject) does not match the schema: \(first)"
                                     + (v.count > 1 ? " (and \(v.count - 1) more)" : ""),
                                 expected: "valid against the schema", actual: v.joined(separator: "\n"), line: schema.line)]
        } catch {
            return [CheckFailure(kind: "schema", message: "cannot use the schema: \(error)", line: schema.line)]
        }
    }

    /// Checks across the pages: a stable total that matches what was seen, and
    /// `next`/`previous` present exactly when there is such a page.
    func checkWalk(pages: [Page], uniqueCount: Int) -> [CheckFailure] {
        var out: [CheckFailure] = []
        if let t = p.total {
            let totals = pages.map { t.resolve(in: $0.body) }
            if let first = totals.first, let changed = totals.firstIndex(where: { $0 != first }) {
                out.append(fail("\(t) changed during the walk: \(first.map(Evaluator.show) ?? "missing") on page 1, "
                                + "\(totals[changed].map(Evaluator.show) ?? "missing") on page \(changed + 1)"))
            } else if let first = totals.first {
                if first?.numberValue.map({ Int($0) }) != uniqueCount {
                    out.append(fail("\(t) says \(first.map(Evaluator.show) ?? "nothing") but the walk found \(uniqueCount) distinct items",
                                    expected: String(uniqueCount), actual: first.map(Evaluator.show) ?? "missing"))
                }
            }
        }
        for (i, page) in pages.enumerated() {
            let isLast = i == pages.count - 1
            if let n = p.nextLink, p.style != .next {
                let has = Self.present(n.resolve(in: page.body))
                if has == isLast {
                    out.append(fail("page \(page.number): \(n) is \(has ? "set" : "missing") but this is \(isLast ? "the last page" : "not the last page")",
                                    expected: isLast ? "null or absent" : "a link", actual: has ? "set" : "missing"))
                }
            }
            if let prev = p.previousLink {
                let has = Self.present(prev.resolve(in: page.body))
                let isFirst = i == 0
                if has == isFirst {
                    out.append(fail("page \(page.number): \(prev) is \(has ? "set" : "missing") but this is \(isFirst ? "the first page" : "not the first page")",
                                    expected: isFirst ? "null or absent" : "a link", actual: has ? "set" : "missing"))
                }
            }
        }
        return out
    }

    static func present(_ v: JSON?) -> Bool {
        switch v {
        case nil, .null?: false
        case .string(let s)?: !s.isEmpty
        default: true
        }
    }

    /// A page past the end must be an empty page, not an error.
    mutating func checkPastEnd(after last: Page, exchanges: inout [Exchange]) async -> StepOutcome {
        let pageNumber = last.number + 1
        let request: PreparedRequest
        do { request = try prepare(page: pageNumber, nextURL: nil) } catch {
            return .error(StepError(kind: "scenario", message: "cannot build the page request: \(error)"))
        }
        let (response, error, sent) = await execution.perform(request, deadline: nil)
        exchanges += sent
        guard let response else { return .error(error!) }
        let where_ = "a page past the end (\(label(request)))"
        guard response.status == 200 else {
            return .failed([fail("\(where_) answered \(response.status); expected 200 with no items",
                                 expected: "200 with an empty page", actual: String(response.status))])
        }
        let (parsed, _) = ScenarioExecution.parseBody(response.body)
        guard let body = parsed, case .array(let items)? = p.items.resolve(in: body) else {
            return .failed([fail("\(where_) has no items array at \(p.items)")])
        }
        if !items.isEmpty {
            return .failed([fail("\(where_) has \(items.count) items; expected none", expected: "0 items", actual: "\(items.count) items")])
        }
        return .passed
    }
}
