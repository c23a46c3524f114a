import ConformJSON

/// A scenario: ordered steps against one API, plus cleanup steps that always run.
/// See `docs/scenario-format.md` for the file format.
public struct Scenario: Sendable {
    /// Path of the file as the user named it.
    public var file: String
    public var line: Int
    public var name: String
    public var description: String?
    /// Which built-in mock `--mock` starts for it (`ionos`, `dockerhub`, `xms`).
    public var api: String?
    public var tags: [String]
    /// Runs while no other scenario runs (it counts or walks a shared collection).
    public var serial: Bool = false
    /// Variables that must come from outside (`--var`, `--vars-file`, a mock).
    public var requires: [String]
    /// Names of variables whose values are secrets (masked everywhere).
    public var secrets: [String]
    /// Captures that, once the scenario has passed, fill the variables of the other scenarios in
    /// its folder that have no value from outside (a login that yields the suite's token).
    /// Such scenarios run first, one at a time.
    public var exports: [String] = []
    /// Scenario variables, in order; each may use the ones before it.
    public var variables: [(name: String, value: JSONTemplate)]
    /// Request parts every step gets unless it sets its own.
    public var defaults: RequestDefaults
    public var steps: [Step]
    public var cleanup: [Step]
    /// Things worth knowing that do not stop the scenario (e.g. schema keywords not applied).
    public var warnings: [Diagnostic] = []

    /// The scenario file's folder: its suite, the reach of its exports.
    public var folder: String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return String(file[..<slash])
    }

    public init(file: String, line: Int = 1, name: String, description: String? = nil, api: String? = nil,
                tags: [String] = [], requires: [String] = [], secrets: [String] = [],
                variables: [(name: String, value: JSONTemplate)] = [], defaults: RequestDefaults = .init(),
                steps: [Step], cleanup: [Step] = []) {
        self.file = file
        self.line = line
        self.name = name
        self.description = description
        self.api = api
        self.tags = tags
        self.requires = requires
        self.secrets = secrets
        self.variables = variables
        self.defaults = defaults
        self.steps = steps
        self.cleanup = cleanup
    }
}

public struct RequestDefaults: Sendable {
    public var headers: [(name: String, value: Template)]
    public var auth: Auth?
    public init(headers: [(name: String, value: Template)] = [], auth: Auth? = nil) {
        self.headers = headers
        self.auth = auth
    }
}

public struct Step: Sendable {
    /// Optional handle other steps use to refer to this one (`sameAs`).
    public var id: String?
    public var name: String
    public var line: Int
    public var action: Action
    public var expect: Expectations
    public var captures: [Capture]
    /// Declares that the response carries a one-time secret.
    public var oneTimeSecret: OneTimeSecret?
    /// How to delete what this step creates: recorded in the cleanup ledger when the step passes.
    public var creates: RequestTemplate?
    /// Run the step this many times; `{{iteration}}` is 0, 1, …; captures become arrays.
    public var repeatCount: Int?

    /// Indirect: a `Step` is stored inline in arrays, and this payload (a request template, or a whole
    /// pagination walk) made every step of every loaded scenario about a kilobyte.
    public indirect enum Action: Sendable {
        case request(RequestTemplate)
        case paginate(Pagination)
    }

    public init(id: String? = nil, name: String, line: Int, action: Action, expect: Expectations = .init(),
                captures: [Capture] = [], oneTimeSecret: OneTimeSecret? = nil, creates: RequestTemplate? = nil,
                repeatCount: Int? = nil) {
        self.id = id
        self.name = name
        self.line = line
        self.action = action
        self.expect = expect
        self.captures = captures
        self.oneTimeSecret = oneTimeSecret
        self.creates = creates
        self.repeatCount = repeatCount
    }
}

public struct RequestTemplate: Sendable {
    public enum Target: Sendable {
        /// Relative to the base URL.
        case path(Template)
        /// An absolute URL.
        case url(Template)
    }

    public enum Body: Sendable {
        case json(JSONTemplate)
        case raw(Template)
    }

    public var method: String
    public var target: Target
    public var query: [(name: String, value: Template)]
    public var headers: [(name: String, value: Template)]
    /// `nil` = the scenario default; `.some(.none)` = explicitly no credentials.
    public var auth: Auth?
    public var body: Body?
    public var followRedirects: Bool
    /// Whole-request timeout in seconds; `nil` = the run's `--timeout`.
    public var timeout: Double?
    public var line: Int

    public init(method: String, target: Target, query: [(name: String, value: Template)] = [],
                headers: [(name: String, value: Template)] = [], auth: Auth? = nil, body: Body? = nil,
                followRedirects: Bool = false, timeout: Double? = nil, line: Int = 0) {
        self.method = method
        self.target = target
        self.query = query
        self.headers = headers
        self.auth = auth
        self.body = body
        self.followRedirects = followRedirects
        self.timeout = timeout
        self.line = line
    }
}

/// Credentials for a request. Every rendered credential is treated as a secret.
/// Indirect, to keep `RequestTemplate` (stored inline in every step, twice with `creates`) small.
public indirect enum Auth: Sendable {
    case none
    /// `Authorization: Basic base64(username:password)` (IONOS `basicAuth`).
    case basic(username: Template, password: Template)
    /// `Authorization: Bearer <token>` (IONOS `tokenAuth`, Docker Hub JWT).
    case bearer(Template)
    /// An API key in a header (XMS `Xms-Auth-Token`).
    case header(name: String, value: Template)
    /// An API key in the query string (XMS `token`).
    case query(name: String, value: Template)
}

public struct Expectations: Sendable {
    /// `nil` = any 2xx status.
    public var status: StatusExpectation?
    public var headers: [HeaderAssertion]
    public var body: [BodyAssertion]
    public var schema: SchemaReference?
    /// Fields of this response that must equal those of an earlier step's response.
    public var sameAs: SameAs?

    public init(status: StatusExpectation? = nil, headers: [HeaderAssertion] = [], body: [BodyAssertion] = [],
                schema: SchemaReference? = nil, sameAs: SameAs? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.schema = schema
        self.sameAs = sameAs
    }
}

/// `201`, `[200, 201]`, `"2xx"`, or a mix.
public struct StatusExpectation: Sendable, Hashable, CustomStringConvertible {
    public enum Item: Sendable, Hashable {
        case exact(Int)
        case statusClass(Int)
    }

    public var items: [Item]
    public var line: Int

    public init(items: [Item], line: Int = 0) {
        self.items = items
        self.line = line
    }

    public func matches(_ status: Int) -> Bool {
        items.contains {
            switch $0 {
            case .exact(let s): s == status
            case .statusClass(let c): status / 100 == c
            }
        }
    }

    public var description: String {
        let texts = items.map { item -> String in
            switch item {
            case .exact(let s): String(s)
            case .statusClass(let c): "\(c)xx"
            }
        }
        return texts.count == 1 ? texts[0] : texts.dropLast().joined(separator: ", ") + " or " + texts.last!
    }
}

public struct HeaderAssertion: Sendable {
    public var name: String
    public var assertions: [Assertion]
    public var line: Int
    public init(name: String, assertions: [Assertion], line: Int) {
        self.name = name
        self.assertions = assertions
        self.line = line
    }
}

/// Where in a JSON body a value is found.
public enum Selector: Sendable, Hashable, CustomStringConvertible {
    case pointer(JSONPointer)
    /// A JSONPath; may hold placeholders (rendered before it is parsed).
    case path(Template)

    public var description: String {
        switch self {
        case .pointer(let p): p.description.isEmpty ? "the body" : p.description
        case .path(let t): t.source
        }
    }
}

public struct BodyAssertion: Sendable {
    public var selector: Selector
    public var assertions: [Assertion]
    public var line: Int
    public init(selector: Selector, assertions: [Assertion], line: Int) {
        self.selector = selector
        self.assertions = assertions
        self.line = line
    }
}

/// One predicate on a value (a body value or a header's text).
public enum Assertion: Sendable {
    case equals(JSONTemplate)
    case notEquals(JSONTemplate)
    case exists(Bool)
    case type([String])
    case matches(Template)
    case contains(JSONTemplate)
    case notContains(JSONTemplate)
    case length(Int)
    case minLength(Int)
    case maxLength(Int)
    case min(Double)
    case max(Double)
    case oneOf([JSONTemplate])
    case schema(SchemaReference)

    public var name: String {
        switch self {
        case .equals: "equals"
        case .notEquals: "notEquals"
        case .exists: "exists"
        case .type: "type"
        case .matches: "matches"
        case .contains: "contains"
        case .notContains: "notContains"
        case .length: "length"
        case .minLength: "minLength"
        case .maxLength: "maxLength"
        case .min: "min"
        case .max: "max"
        case .oneOf: "oneOf"
        case .schema: "schema"
        }
    }
}

/// A JSON Schema: inline, or a `$ref` to a file (JSON or YAML, e.g. an OpenAPI document)
/// relative to the scenario file, with an optional `#/json/pointer` fragment.
public struct SchemaReference: Sendable {
    public enum Source: Sendable {
        case inline(JSON)
        case file(path: String, fragment: String?)
    }

    public var source: Source
    /// Absolute path of the file the schema was written in (refs inside resolve from there).
    public var baseFile: String
    public var line: Int

    public init(source: Source, baseFile: String, line: Int) {
        self.source = source
        self.baseFile = baseFile
        self.line = line
    }
}

public struct Capture: Sendable {
    public enum Source: Sendable {
        case body(Selector)
        case header(String)
        case status
    }

    public var name: String
    public var source: Source
    /// Keeps the first capture group of this regular expression applied to the captured text.
    public var regex: String?
    public var secret: Bool
    public var line: Int

    public init(name: String, source: Source, regex: String? = nil, secret: Bool = false, line: Int) {
        self.name = name
        self.source = source
        self.regex = regex
        self.secret = secret
        self.line = line
    }
}

/// A secret the response carries once and no later response may disclose again.
public struct OneTimeSecret: Sendable {
    public var pointer: JSONPointer
    /// The secret must match this regular expression (e.g. `^dckr_oat_`).
    public var pattern: String?
    /// Variable the secret is captured into (masked everywhere).
    public var captureAs: String?
    public var line: Int

    public init(pointer: JSONPointer, pattern: String? = nil, captureAs: String? = nil, line: Int) {
        self.pointer = pointer
        self.pattern = pattern
        self.captureAs = captureAs
        self.line = line
    }
}

/// Compare fields of this step's response body with an earlier step's response body.
public struct SameAs: Sendable {
    public var step: String
    public var pointers: [JSONPointer]
    public var line: Int
    public init(step: String, pointers: [JSONPointer], line: Int) {
        self.step = step
        self.pointers = pointers
        self.line = line
    }
}

/// Walks a whole collection page by page and checks the pages agree with each other.
public struct Pagination: Sendable {
    public enum Style: String, Sendable, CaseIterable {
        /// `offset` + `limit` query parameters.
        case offset
        /// 1-based (by default) `page` + `page_size` query parameters.
        case page
        /// Follow a next-page URL from the body or a `Link` header.
        case next
    }

    public var request: RequestTemplate
    public var style: Style
    public var pageSize: Int
    /// Names of the query parameters (defaults per style).
    public var offsetParam: String
    public var limitParam: String
    public var pageParam: String
    public var sizeParam: String
    public var firstPage: Int
    /// Send offset/limit/page/size as JSON-looking strings (IONOS declares them `type: string`) — on the
    /// wire a query is text either way; this only matters for echo checks.
    public var numbersAsStrings: Bool
    /// Where the items array is in a page (`""` for a bare array).
    public var items: JSONPointer
    /// Where an item's identity is.
    public var id: JSONPointer
    public var total: JSONPointer?
    public var count: JSONPointer?
    public var nextLink: JSONPointer?
    public var previousLink: JSONPointer?
    public var useLinkHeader: Bool
    public var echoOffset: JSONPointer?
    public var echoLimit: JSONPointer?
    public var maxPages: Int
    public var itemSchema: SchemaReference?
    public var pageSchema: SchemaReference?
    /// Request one page past the end and expect it empty (not an error).
    public var checkPastEnd: Bool
    /// Ids that must appear exactly once in the walk.
    public var expectIDs: [JSONTemplate]
    /// Ids that must not appear at all (after delete).
    public var expectAbsentIDs: [JSONTemplate]
    /// Capture every id seen, in order, into this variable.
    public var captureIDs: String?
    public var line: Int

    public init(request: RequestTemplate, style: Style, pageSize: Int, offsetParam: String = "offset",
                limitParam: String = "limit", pageParam: String = "page", sizeParam: String = "page_size",
                firstPage: Int = 1, numbersAsStrings: Bool = false, items: JSONPointer, id: JSONPointer,
                total: JSONPointer? = nil, count: JSONPointer? = nil, nextLink: JSONPointer? = nil,
                previousLink: JSONPointer? = nil, useLinkHeader: Bool = false, echoOffset: JSONPointer? = nil,
                echoLimit: JSONPointer? = nil, maxPages: Int = 100, itemSchema: SchemaReference? = nil,
                pageSchema: SchemaReference? = nil, checkPastEnd: Bool = true, expectIDs: [JSONTemplate] = [],
                expectAbsentIDs: [JSONTemplate] = [], captureIDs: String? = nil, line: Int) {
        self.request = request
        self.style = style
        self.pageSize = pageSize
        self.offsetParam = offsetParam
        self.limitParam = limitParam
        self.pageParam = pageParam
        self.sizeParam = sizeParam
        self.firstPage = firstPage
        self.numbersAsStrings = numbersAsStrings
        self.items = items
        self.id = id
        self.total = total
        self.count = count
        self.nextLink = nextLink
        self.previousLink = previousLink
        self.useLinkHeader = useLinkHeader
        self.echoOffset = echoOffset
        self.echoLimit = echoLimit
        self.maxPages = maxPages
        self.itemSchema = itemSchema
        self.pageSchema = pageSchema
        self.checkPastEnd = checkPastEnd
        self.expectIDs = expectIDs
        self.expectAbsentIDs = expectAbsentIDs
        self.captureIDs = captureIDs
        self.line = line
    }
}

extension Auth {
    /// The auth as written in a scenario file (placeholders unrendered): `ScenarioLoader.decodeAuth` reads it back.
    public var json: JSON {
        switch self {
        case .none: "none"
        case .basic(let u, let p): ["basic": ["username": .string(u.source), "password": .string(p.source)]]
        case .bearer(let t): ["bearer": .string(t.source)]
        case .header(let name, let v): ["header": ["name": .string(name), "value": .string(v.source)]]
        case .query(let name, let v): ["query": ["name": .string(name), "value": .string(v.source)]]
        }
    }
}
