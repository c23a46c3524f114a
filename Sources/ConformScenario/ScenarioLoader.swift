import ConformJSON
import ConformSchema
import Foundation
import Synchronization

/// Reads scenario files into `Scenario` values, or fails with `file:line:column: message`.
///
/// Strict: unknown fields, wrong types, bad JSON Pointers, bad regular expressions and
/// placeholders naming variables that cannot have a value at that point are errors,
/// found before anything is sent.
public enum ScenarioLoader {
    /// Scenario files end in this suffix, so schemas and fixtures can live beside them.
    public static let fileSuffix = ".conform.json"
    /// Decodes an `auth` value as written in a scenario (`{"bearer": "{{token}}"}`, …).
    public static func decodeAuth(_ json: JSON) throws(Diagnostic) -> Auth {
        let document = try JSONParser.parse(json.serialized(), file: "<auth>")
        var decoder = Decoder(document: document, file: "<auth>", suite: nil)
        decoder.anyVariable = true
        return try decoder.auth(Node(root: document))
    }

    /// Settings shared by every scenario of a folder.
    public static let suiteFileName = "suite.json"
    /// Files larger than this are refused rather than read.
    public static let maxFileBytes = 8 << 20
    /// Version of the scenario format this loader reads (`"conform": 1`).
    public static let formatVersion = 1
    /// Variables every scenario has.
    public static let builtinVariables: Set<String> = ["run.id"]

    /// Scenario files named by `paths`: files as given, folders searched recursively for `*.conform.json`,
    /// sorted so runs are reproducible.
    public static func discover(_ paths: [String]) throws(Diagnostic) -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Diagnostic("no such file or folder", at: SourceLocation(file: path, line: 1, column: 1))
            }
            if !isDirectory.boolValue { files.append(path); continue }
            var found: [String] = []
            collect(in: path, prefix: path.hasSuffix("/") ? path : path + "/", into: &found)
            files.append(contentsOf: found.sorted())
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    /// Adds the scenario files below `folder` (whose paths start with `prefix`) to `found`, folders
    /// searched recursively; symbolic links to folders are not followed, and a folder that cannot be
    /// read is skipped. `readdir` rather than FileManager's enumerator, which built and rewrote a
    /// path string per entry: 5 % of loading 2,000 files, on one thread before the others start.
    static func collect(in folder: String, prefix: String, into found: inout [String]) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let type = entry.pointee.d_type
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            let path = prefix + name
            var isFolder = type == UInt8(DT_DIR)
            if type == UInt8(DT_UNKNOWN) {  // some file systems leave the type to lstat
                var info = stat()
                isFolder = lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
            }
            if isFolder {
                collect(in: path, prefix: path + "/", into: &found)
            } else if name.hasSuffix(fileSuffix) {
                found.append(path)
            }
        }
    }

    /// Loads and checks a scenario file, compiling every schema it uses (with `schemas`, whose
    /// cache the runner can then reuse). Schema keywords that conform does not apply are returned
    /// as warnings rather than silently ignored.
    ///
    /// Pass one `cache` to every file of a run, so what files share (a folder's `suite.json`) is read once.
    public static func load(file: String, schemas: SchemaStore = SchemaStore(),
                            cache: LoadCache = LoadCache()) throws(Diagnostic) -> Scenario {
        let suite = try cache.suite(besides: file)
        let bytes = try readFile(file)
        let document = try JSONParser.parse(bytes, file: file)
        var decoder = Decoder(document: document, file: file, suite: suite, cache: cache)
        var scenario = try decoder.decodeScenario()
        scenario.warnings = try checkSchemas(of: scenario, store: schemas)
        return scenario
    }

    static func checkSchemas(of scenario: Scenario, store: SchemaStore) throws(Diagnostic) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        var seen = Set<String>()
        for reference in scenario.schemaReferences {
            let at = SourceLocation(file: scenario.file, line: reference.line, column: 1)
            let schema: JSONSchema
            do { schema = try SchemaCompilation.compile(reference, store: store) } catch {
                var diagnostic = error.diagnostic(fallback: at)
                // The problem is in a schema file: say which scenario uses it.
                if diagnostic.location.file != scenario.file { diagnostic.message += " (schema used at \(at.file):\(at.line))" }
                throw diagnostic
            }
            for k in schema.unsupportedKeywords where seen.insert(k.description).inserted {
                warnings.append(Diagnostic("warning: schema keyword '\(k.keyword)' is not applied: \(k.reason)", at: k.location ?? at))
            }
        }
        return warnings
    }

    /// Decodes scenario text (tests, and scenarios that do not come from a file).
    public static func load(text: String, file: String = "<scenario>") throws(Diagnostic) -> Scenario {
        let document = try JSONParser.parse(text, file: file)
        var decoder = Decoder(document: document, file: file, suite: nil)
        return try decoder.decodeScenario()
    }

    static func readFile(_ file: String) throws(Diagnostic) -> [UInt8] {
        let start = SourceLocation(file: file, line: 1, column: 1)
        // Plain POSIX calls: FileHandle's seek-and-read was a visible part of loading thousands of files.
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Diagnostic("cannot read the file", at: start) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Diagnostic("cannot read the file", at: start) }
        if info.st_size > maxFileBytes {
            throw Diagnostic("file is \(info.st_size) bytes; scenario files are limited to \(maxFileBytes) bytes", at: start)
        }
        // Read to the end, whatever the size said (a file may grow, or be a pipe): the buffer grows
        // to one byte past the limit at most, and a file that fills it is too large.
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard bytes.count <= maxFileBytes else {
                    throw Diagnostic("file is over \(maxFileBytes) bytes; scenario files are limited to \(maxFileBytes) bytes", at: start)
                }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, maxFileBytes + 1 - bytes.count))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Diagnostic("cannot read the file", at: start) }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// The folder part of a path, as `NSString.deletingLastPathComponent` gives it for the file
    /// paths loading meets ("" for a bare name, "/" for a file at the root); on bytes, as it runs per file.
    static func folder(of path: String) -> String {
        var path = Substring(path)
        while path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") { path = path.dropLast() }
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        var folder = path[..<slash]
        while folder.utf8.count > 1, folder.utf8.last == UInt8(ascii: "/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The `suite.json` of a folder, if there is one.
    static func loadSuite(inFolder folder: String, cache: LoadCache) throws(Diagnostic) -> Suite? {
        let path = folder.isEmpty ? suiteFileName : folder + "/" + suiteFileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let document = try JSONParser.parse(try readFile(path), file: path)
        var decoder = Decoder(document: document, file: path, suite: nil, cache: cache)
        return try decoder.decodeSuite()
    }
}

/// What loading many files needs from outside each file, found once and shared: the `suite.json`
/// of each folder (or its error, which every scenario of the folder reports), which schema files
/// exist, and the working directory that relative paths start from.
public final class LoadCache: Sendable {
    private let suites = Mutex<[String: Result<Suite?, Diagnostic>]>([:])
    private let existing = Mutex<Set<String>>([])
    let workingDirectory: String

    public init() {
        workingDirectory = FileManager.default.currentDirectoryPath
    }

    func suite(besides file: String) throws(Diagnostic) -> Suite? {
        let folder = ScenarioLoader.folder(of: file)
        if let known = suites.withLock({ $0[folder] }) { return try known.get() }
        // Two workers may read the same suite at once; both get the same answer.
        let result: Result<Suite?, Diagnostic>
        do throws(Diagnostic) { result = .success(try ScenarioLoader.loadSuite(inFolder: folder, cache: self)) } catch { result = .failure(error) }
        suites.withLock { $0[folder] = result }
        return try result.get()
    }

    /// Whether a file exists; a file found once is taken to stay for the load (a missing one is asked again).
    func fileExists(_ path: String) -> Bool {
        if existing.withLock({ $0.contains(path) }) { return true }
        guard FileManager.default.fileExists(atPath: path) else { return false }
        existing.withLock { _ = $0.insert(path) }
        return true
    }
}

/// What a folder's `suite.json` contributes to each of its scenarios.
struct Suite {
    var api: String?
    var tags: [String] = []
    var requires: [String] = []
    var secrets: [String] = []
    var variables: [(name: String, value: JSONTemplate)] = []
    var defaults = RequestDefaults()
}

private struct Decoder {
    let document: JSONDocument
    let file: String
    let suite: Suite?
    /// Variables that have a value at the point being decoded.
    var known: Set<String> = ScenarioLoader.builtinVariables
    /// Captures of main steps; cleanup steps may use them (they are skipped if unset).
    var captured: Set<String> = []
    var stepIDs: Set<String> = []
    /// Accept every variable name (decoding fragments outside a scenario, e.g. the ledger's auth).
    var anyVariable = false

    init(document: JSONDocument, file: String, suite: Suite?, cache: LoadCache = LoadCache()) {
        self.document = document
        self.file = file
        self.suite = suite
        self.cache = cache
        self.baseFile = Interner.shared.intern(file.hasPrefix("/") ? file : cache.workingDirectory + "/" + file)
        self.baseFolder = ScenarioLoader.folder(of: baseFile)
    }

    var root: Node { Node(root: document) }

    /// Rejects `name` as a variable name: not an identifier, or a name a built-in placeholder answers
    /// (`{{uuid}}` would never read a variable called `uuid`).
    func checkVariableName(_ name: String, allowDots: Bool, at location: @autoclosure () -> SourceLocation) throws(Diagnostic) {
        guard Placeholder.isIdentifier(name, allowDots: allowDots) else {
            throw Diagnostic("invalid variable name '\(name)'", at: location())
        }
        guard Placeholder.readsVariable(name) else {
            throw Diagnostic("'\(name)' cannot be a variable name: {{\(name)}} is a built-in placeholder and would never read it",
                             at: location())
        }
    }

    let cache: LoadCache
    /// The file as an absolute path, and its folder, which relative schema references resolve against.
    let baseFile: String
    let baseFolder: String

    static let scenarioKeys = ["$schema", "conform", "name", "description", "api", "tags", "serial", "requires", "secrets",
                               "variables", "defaults", "steps", "cleanup", "exports"]
    static let suiteKeys = ["$schema", "conform", "description", "api", "tags", "requires", "secrets", "variables", "defaults"]

    mutating func decodeSuite() throws(Diagnostic) -> Suite {
        let o = try root.expectObject(allowed: Decoder.suiteKeys)
        try checkVersion(o)
        var suite = Suite()
        try decodeShared(o, into: &suite)
        return suite
    }

    func checkVersion(_ o: ObjectNode) throws(Diagnostic) {
        let v = try o.required("conform")
        let n = try v.expectInt()
        if n != ScenarioLoader.formatVersion {
            throw v.error("unsupported scenario format version \(n); this conform reads version \(ScenarioLoader.formatVersion)")
        }
    }

    /// Fields a suite and a scenario share.
    mutating func decodeShared(_ o: ObjectNode, into s: inout Suite) throws(Diagnostic) {
        if let n = o["api"] { s.api = try n.expectNonEmptyString() }
        if let n = o["tags"] { s.tags += try n.expectStringList() }
        if let n = o["requires"] {
            for item in try n.expectArray() {
                let name = try item.expectString()
                try checkVariableName(name, allowDots: true, at: item.location)
                s.requires.append(name)
                known.insert(name)
            }
        }
        if let n = o["secrets"] { s.secrets += try n.expectStringList() }
        if let n = o["variables"] {
            let vars = try n.expectObject(allowed: n.value.objectValue.map { Array($0.keys) } ?? [])
            for key in vars.keys {
                try checkVariableName(key, allowDots: true, at: vars[key]!.keyLocation)
                let value = try jsonTemplate(vars[key]!)
                s.variables.append((key, value))
                known.insert(key)
            }
        }
        if let n = o["defaults"] {
            let d = try n.expectObject(allowed: ["headers", "auth"])
            if let h = d["headers"] { s.defaults.headers = try headers(h) }
            if let a = d["auth"] { s.defaults.auth = try auth(a) }
        }
    }

    mutating func decodeScenario() throws(Diagnostic) -> Scenario {
        let o = try root.expectObject(allowed: Decoder.scenarioKeys)
        try checkVersion(o)
        let name = try o.required("name").expectNonEmptyString()
        let description = try o["description"]?.expectString()

        var shared = Suite()
        if let suite {
            shared = suite
            for v in suite.variables { known.insert(v.name) }
            for r in suite.requires { known.insert(r) }
        }
        var own = Suite()
        try decodeShared(o, into: &own)
        var scenario = Scenario(file: file, name: name, steps: [])
        scenario.description = description
        if let n = o["serial"] { scenario.serial = try n.expectBool() }
        scenario.api = own.api ?? shared.api
        scenario.tags = uniq(shared.tags + own.tags)
        scenario.requires = uniq(shared.requires + own.requires)
        scenario.secrets = uniq(shared.secrets + own.secrets)
        scenario.variables = shared.variables + own.variables
        scenario.defaults = RequestDefaults(headers: shared.defaults.headers + own.defaults.headers,
                                            auth: own.defaults.auth ?? shared.defaults.auth)

        let stepsNode = try o.required("steps")
        let stepNodes = try stepsNode.expectArray()
        if stepNodes.isEmpty { throw stepsNode.error("'steps' must contain at least one step") }
        scenario.steps.reserveCapacity(stepNodes.count)  // exact: a Step is large, and suites hold thousands
        for n in stepNodes { scenario.steps.append(try step(n)) }
        if let e = o["exports"] {
            for item in try e.expectArray() {
                let name = try item.expectString()
                guard captured.contains(name) else {
                    throw item.error("cannot export '\(name)': no step of this scenario captures it")
                }
                if scenario.exports.contains(name) { throw item.error("'\(name)' is exported twice") }
                scenario.exports.append(name)
            }
            // The scenario captures what it exports, so it cannot need it from outside (a suite's
            // `requires` names the token every other scenario needs).
            scenario.requires.removeAll { scenario.exports.contains($0) }
        }
        if let c = o["cleanup"] {
            // Cleanup may use any capture of the main steps: a step whose variables were never
            // captured (because the run stopped early) is skipped at run time.
            known.formUnion(captured)
            for n in try c.expectArray() { scenario.cleanup.append(try step(n)) }
        }
        return scenario
    }

    func uniq(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }

    static let stepKeys = ["id", "name", "description", "request", "paginate", "expect", "capture", "oneTimeSecret",
                           "creates", "repeat"]

    mutating func step(_ n: Node) throws(Diagnostic) -> Step {
        let o = try n.expectObject(allowed: Decoder.stepKeys)
        let name = try o.required("name").expectNonEmptyString()
        var id: String?
        if let idNode = o["id"] {
            let v = try idNode.expectNonEmptyString()
            if stepIDs.contains(v) { throw idNode.error("duplicate step id '\(v)'") }
            id = v
        }
        var repeatCount: Int?
        if let r = o["repeat"] { repeatCount = try r.expectInt(min: 1, max: 1000) }
        let wasKnown = known
        if repeatCount != nil { known.insert("iteration") }

        let action: Step.Action
        switch (o["request"], o["paginate"]) {
        case (let r?, nil): action = .request(try request(r))
        case (nil, let p?): action = .paginate(try pagination(p))
        case (_?, _?): throw n.error("a step has either 'request' or 'paginate', not both")
        case (nil, nil): throw n.error("step '\(name)' needs a 'request' (or a 'paginate' walk)")
        }
        var expect = Expectations()
        if let e = o["expect"] { expect = try expectations(e) }
        var creates: RequestTemplate?
        var newNames: [String] = []
        var captures: [Capture] = []
        if let c = o["capture"] {
            captures = try self.captures(c)
            newNames += captures.map(\.name)
        }
        var secret: OneTimeSecret?
        if let s = o["oneTimeSecret"] {
            secret = try oneTimeSecret(s)
            if let as_ = secret?.captureAs { newNames.append(as_) }
        }
        if case .paginate(let p) = action, let c = p.captureIDs { newNames.append(c) }
        // `creates` describes how to delete the new resource, so it may use this step's captures.
        known.formUnion(newNames)
        if let c = o["creates"] { creates = try request(c) }
        known = wasKnown.union(newNames)
        captured.formUnion(newNames)
        if let id { stepIDs.insert(id) }
        return Step(id: id, name: name, line: n.line, action: action, expect: expect, captures: captures,
                    oneTimeSecret: secret, creates: creates, repeatCount: repeatCount)
    }

    static let requestKeys = ["method", "path", "url", "query", "headers", "auth", "json", "body", "followRedirects", "timeout"]

    func request(_ n: Node) throws(Diagnostic) -> RequestTemplate {
        let o = try n.expectObject(allowed: Decoder.requestKeys)
        let methodNode = try o.required("method")
        let method = try methodNode.expectString()
        guard !method.isEmpty, method.utf8.allSatisfy({ ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || $0 == UInt8(ascii: "-") }) else {
            throw methodNode.error("invalid HTTP method '\(method)': use an upper-case token such as GET, POST, PATCH")
        }
        let target: RequestTemplate.Target
        switch (o["path"], o["url"]) {
        case (let p?, nil):
            let t = try template(p)
            if let first = t.source.first, first != "/" && first != "{" {
                throw p.error("'path' must start with '/' (it is appended to the base URL); use 'url' for an absolute URL")
            }
            target = .path(t)
        case (nil, let u?):
            let t = try template(u)
            if t.isLiteral, !(t.source.hasPrefix("http://") || t.source.hasPrefix("https://")) {
                throw u.error("'url' must be an absolute http:// or https:// URL")
            }
            target = .url(t)
        case (_?, _?): throw n.error("a request has either 'path' or 'url', not both")
        case (nil, nil): throw n.error("missing required field 'path' (or 'url') in \(n.path)")
        }
        var r = RequestTemplate(method: method, target: target, line: n.line)
        if let q = o["query"] { r.query = try query(q) }
        if let h = o["headers"] { r.headers = try headers(h) }
        if let a = o["auth"] { r.auth = try auth(a) }
        switch (o["json"], o["body"]) {
        case (let j?, nil): r.body = .json(try jsonTemplate(j))
        case (nil, let b?): r.body = .raw(try template(b))
        case (_?, _?): throw n.error("a request has either 'json' or 'body', not both")
        case (nil, nil): break
        }
        if let f = o["followRedirects"] { r.followRedirects = try f.expectBool() }
        if let t = o["timeout"] {
            let seconds = try t.expectNumber()
            guard seconds > 0, seconds <= 3600 else { throw t.error("'timeout' must be between 0 and 3600 seconds") }
            r.timeout = seconds
        }
        return r
    }

    func query(_ n: Node) throws(Diagnostic) -> [(name: String, value: Template)] {
        guard case .object(let members) = n.value else { throw n.error("\(n.path) must be an object of parameter names to values") }
        var out: [(name: String, value: Template)] = []
        for (i, (key, value)) in members.enumerated() {
            let child = n.member(i, value: value)
            switch value {
            case .string: out.append((key, try template(child)))
            case .number, .bool: out.append((key, Template(literal: value.plainText)))
            default: throw child.error("query parameter '\(key)' must be a string, number or boolean")
            }
        }
        return out
    }

    func headers(_ n: Node) throws(Diagnostic) -> [(name: String, value: Template)] {
        guard case .object(let members) = n.value else { throw n.error("\(n.path) must be an object of header names to values") }
        var out: [(name: String, value: Template)] = []
        for key in members.keys {
            let child = n.child(key)!
            guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw Diagnostic("invalid header name '\(key)'", at: child.keyLocation)
            }
            let t = try template(child)
            if t.source.contains("\r") || t.source.contains("\n") { throw child.error("header '\(key)' must not contain line breaks") }
            out.append((key, t))
        }
        return out
    }

    func auth(_ n: Node) throws(Diagnostic) -> Auth {
        if case .string(let s) = n.value {
            guard s == "none" else { throw n.error("'auth' is \"none\" or an object with one of: basic, bearer, header, query") }
            return .none
        }
        let o = try n.expectObject(allowed: ["basic", "bearer", "header", "query"])
        guard o.keys.count == 1 else { throw n.error("'auth' needs exactly one of: basic, bearer, header, query") }
        if let b = o["basic"] {
            let bo = try b.expectObject(allowed: ["username", "password"])
            return .basic(username: try template(try bo.required("username")), password: try template(try bo.required("password")))
        }
        if let b = o["bearer"] { return .bearer(try template(b)) }
        let key = o["header"] != nil ? "header" : "query"
        let k = o[key]!
        let ko = try k.expectObject(allowed: ["name", "value"])
        let name = try ko.required("name").expectNonEmptyString()
        let value = try template(try ko.required("value"))
        return key == "header" ? .header(name: name, value: value) : .query(name: name, value: value)
    }

    func expectations(_ n: Node) throws(Diagnostic) -> Expectations {
        let o = try n.expectObject(allowed: ["status", "headers", "body", "schema", "sameAs"])
        var e = Expectations()
        if let s = o["status"] { e.status = try status(s) }
        if let h = o["headers"] {
            guard case .object(let members) = h.value else { throw h.error("'headers' must be an object of header names to assertions") }
            for key in members.keys {
                let child = h.child(key)!
                e.headers.append(HeaderAssertion(name: key, assertions: try assertions(child), line: child.line))
            }
        }
        if let b = o["body"] {
            guard case .object(let members) = b.value else {
                throw b.error("'body' must be an object of JSON Pointers (or JSONPaths) to assertions")
            }
            for key in members.keys {
                let child = b.child(key)!
                e.body.append(BodyAssertion(selector: try selector(key, at: child), assertions: try assertions(child), line: child.line))
            }
        }
        if let s = o["schema"] { e.schema = try schema(s) }
        if let s = o["sameAs"] {
            let so = try s.expectObject(allowed: ["step", "fields"])
            let stepNode = try so.required("step")
            let step = try stepNode.expectNonEmptyString()
            guard stepIDs.contains(step) else {
                throw stepNode.error("'sameAs' names step '\(step)', but no earlier step has that id")
            }
            let fields = try so.required("fields").expectArray().map { f throws(Diagnostic) in try f.expectPointer() }
            e.sameAs = SameAs(step: step, pointers: fields, line: s.line)
        }
        return e
    }

    func status(_ n: Node) throws(Diagnostic) -> StatusExpectation {
        func item(_ n: Node) throws(Diagnostic) -> StatusExpectation.Item {
            switch n.value {
            case .number:
                let code = try n.expectInt(min: 100, max: 599)
                return .exact(code)
            case .string(let s):
                let chars = Array(s.lowercased())
                guard chars.count == 3, chars[1] == "x", chars[2] == "x", let d = chars[0].wholeNumberValue, (1...5).contains(d) else {
                    throw n.error("invalid status class \"\(s)\": use 1xx, 2xx, 3xx, 4xx or 5xx")
                }
                return .statusClass(d)
            default:
                throw n.error("'status' must be a code (201), a class (\"2xx\") or a list of them")
            }
        }
        if case .array = n.value {
            let items = try n.expectArray()
            if items.isEmpty { throw n.error("'status' list must not be empty") }
            return Interner.shared.intern(StatusExpectation(items: try items.map { i throws(Diagnostic) in try item(i) }, line: n.line))
        }
        return Interner.shared.intern(StatusExpectation(items: [try item(n)], line: n.line))
    }

    func selector(_ key: String, at n: Node) throws(Diagnostic) -> Selector {
        if key.hasPrefix("$") {
            let t: Template
            do { t = try Template(parsing: key) } catch { throw Diagnostic(error.message, at: n.keyLocation) }
            try checkPlaceholders(t.placeholders, at: n.keyLocation)
            if t.isLiteral {
                do { _ = try JSONPath(parsing: key) } catch { throw Diagnostic(error.description, at: n.keyLocation) }
            }
            return .path(t)
        }
        do { return .pointer(try JSONPointer(parsing: key)) } catch {
            throw Diagnostic("invalid JSON Pointer \"\(key)\": \(error) (a JSONPath starts with '$')", at: n.keyLocation)
        }
    }

    static let assertionKeys = ["equals", "notEquals", "exists", "absent", "type", "matches", "contains", "notContains",
                                "length", "minLength", "maxLength", "min", "max", "oneOf", "schema"]
    static let typeNames: Set<String> = ["string", "number", "integer", "boolean", "array", "object", "null"]

    func assertions(_ n: Node) throws(Diagnostic) -> [Assertion] {
        // Anything but an object is shorthand for `equals`.
        guard case .object = n.value else { return [.equals(try jsonTemplate(n))] }
        let o = try n.expectObject(allowed: Decoder.assertionKeys)
        if o.keys.isEmpty { throw n.error("empty assertion: use one of \(Decoder.assertionKeys.joined(separator: ", "))") }
        var out: [Assertion] = []
        for key in o.keys {
            let v = o[key]!
            switch key {
            case "equals": out.append(.equals(try jsonTemplate(v)))
            case "notEquals": out.append(.notEquals(try jsonTemplate(v)))
            case "exists": out.append(.exists(try v.expectBool()))
            case "absent": out.append(.exists(!(try v.expectBool())))
            case "type":
                let names: [String] = if case .array = v.value { try v.expectStringList() } else { [try v.expectString()] }
                for t in names where !Decoder.typeNames.contains(t) {
                    throw v.error("unknown type '\(t)': use \(Decoder.typeNames.sorted().joined(separator: ", "))")
                }
                out.append(.type(names))
            case "matches":
                let t = try template(v)
                if t.isLiteral { try checkRegex(t.source, at: v) }
                out.append(.matches(t))
            case "contains": out.append(.contains(try jsonTemplate(v)))
            case "notContains": out.append(.notContains(try jsonTemplate(v)))
            case "length": out.append(.length(try v.expectInt(min: 0)))
            case "minLength": out.append(.minLength(try v.expectInt(min: 0)))
            case "maxLength": out.append(.maxLength(try v.expectInt(min: 0)))
            case "min": out.append(.min(try v.expectNumber()))
            case "max": out.append(.max(try v.expectNumber()))
            case "oneOf":
                out.append(.oneOf(try v.expectArray().map { i throws(Diagnostic) in try jsonTemplate(i) }))
            case "schema": out.append(.schema(try schema(v)))
            default: break
            }
        }
        return out
    }

    func checkRegex(_ pattern: String, at n: Node) throws(Diagnostic) {
        do { _ = try RegexCache.shared.compiled(pattern) } catch {
            throw n.error("invalid regular expression /\(pattern)/")
        }
    }

    func schema(_ n: Node) throws(Diagnostic) -> SchemaReference {
        guard case .object(let o) = n.value else {
            if case .bool = n.value { return SchemaReference(source: .inline(n.value), baseFile: baseFile, line: n.line) }
            throw n.error("'schema' must be a JSON Schema object (or {\"$ref\": \"file#/pointer\"})")
        }
        if o.count == 1, case .string(let ref)? = o["$ref"], !ref.hasPrefix("#") {
            let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let path = String(parts[0])
            let fragment = parts.count > 1 ? String(parts[1]) : nil
            let resolved = path.hasPrefix("/") ? path : baseFolder + "/" + path
            guard cache.fileExists(resolved) else {
                throw n.child("$ref")!.error("schema file '\(path)' not found (looked for \(resolved))")
            }
            if let fragment, !fragment.isEmpty {
                do { _ = try JSONPointer(parsing: fragment) } catch {
                    throw n.child("$ref")!.error("invalid JSON Pointer fragment '#\(fragment)' in $ref: \(error)")
                }
            }
            return SchemaReference(source: .file(path: Interner.shared.intern(resolved), fragment: fragment), baseFile: baseFile, line: n.line)
        }
        return SchemaReference(source: .inline(n.value), baseFile: baseFile, line: n.line)
    }

    func captures(_ n: Node) throws(Diagnostic) -> [Capture] {
        guard case .object(let members) = n.value else { throw n.error("'capture' must be an object of variable names to sources") }
        var out: [Capture] = []
        for key in members.keys {
            let child = n.child(key)!
            try checkVariableName(key, allowDots: false, at: child.keyLocation)
            if ScenarioLoader.builtinVariables.contains(key) || key == "iteration" {
                throw Diagnostic("'\(key)' is a built-in variable and cannot be captured into", at: child.keyLocation)
            }
            if case .string(let s) = child.value {
                out.append(Capture(name: key, source: .body(try selector(s, at: child)), line: child.line))
                continue
            }
            let o = try child.expectObject(allowed: ["pointer", "path", "header", "status", "regex", "secret"])
            let sources = ["pointer", "path", "header", "status"].filter { o[$0] != nil }
            guard sources.count == 1 else { throw child.error("a capture needs exactly one of: pointer, path, header, status") }
            let source: Capture.Source
            switch sources[0] {
            case "pointer": source = .body(.pointer(try o["pointer"]!.expectPointer()))
            case "path":
                let p = try o["path"]!.expectString()
                guard p.hasPrefix("$") else { throw o["path"]!.error("a JSONPath starts with '$'") }
                source = .body(try selector(p, at: o["path"]!))
            case "header": source = .header(try o["header"]!.expectNonEmptyString())
            default:
                guard try o["status"]!.expectBool() else { throw o["status"]!.error("'status' is true or absent") }
                source = .status
            }
            var regex: String?
            if let r = o["regex"] {
                regex = try r.expectString()
                try checkRegex(regex!, at: r)
            }
            let secret = try o["secret"]?.expectBool() ?? false
            out.append(Capture(name: key, source: source, regex: regex, secret: secret, line: child.line))
        }
        return out
    }

    func oneTimeSecret(_ n: Node) throws(Diagnostic) -> OneTimeSecret {
        let o = try n.expectObject(allowed: ["pointer", "pattern", "capture"])
        let pointer = try o.required("pointer").expectPointer()
        var pattern: String?
        if let p = o["pattern"] {
            pattern = try p.expectString()
            try checkRegex(pattern!, at: p)
        }
        var captureAs: String?
        if let c = o["capture"] {
            let name = try c.expectString()
            try checkVariableName(name, allowDots: false, at: c.location)
            captureAs = name
        }
        return OneTimeSecret(pointer: pointer, pattern: pattern, captureAs: captureAs, line: n.line)
    }

    static let paginationKeys = ["request", "style", "pageSize", "offsetParam", "limitParam", "pageParam", "sizeParam",
                                 "firstPage", "numbersAsStrings", "items", "id", "total", "count", "next", "previous",
                                 "linkHeader", "echo", "maxPages", "itemSchema", "pageSchema", "pastEnd", "expectIds",
                                 "expectAbsentIds", "captureIds"]

    func pagination(_ n: Node) throws(Diagnostic) -> Pagination {
        let o = try n.expectObject(allowed: Decoder.paginationKeys)
        let request = try self.request(try o.required("request"))
        let styleNode = try o.required("style")
        let styleName = try styleNode.expectString()
        guard let style = Pagination.Style(rawValue: styleName) else {
            throw styleNode.error("unknown pagination style '\(styleName)': use \(Pagination.Style.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let pageSize = try o.required("pageSize").expectInt(min: 1, max: 10_000)
        var p = Pagination(request: request, style: style, pageSize: pageSize, items: try o.required("items").expectPointer(),
                           id: try o.required("id").expectPointer(), line: n.line)
        if let v = o["offsetParam"] { p.offsetParam = try v.expectNonEmptyString() }
        if let v = o["limitParam"] { p.limitParam = try v.expectNonEmptyString() }
        if let v = o["pageParam"] { p.pageParam = try v.expectNonEmptyString() }
        if let v = o["sizeParam"] { p.sizeParam = try v.expectNonEmptyString() }
        if let v = o["firstPage"] { p.firstPage = try v.expectInt(min: 0) }
        if let v = o["numbersAsStrings"] { p.numbersAsStrings = try v.expectBool() }
        if let v = o["total"] { p.total = try v.expectPointer() }
        if let v = o["count"] { p.count = try v.expectPointer() }
        if let v = o["next"] { p.nextLink = try v.expectPointer() }
        if let v = o["previous"] { p.previousLink = try v.expectPointer() }
        if let v = o["linkHeader"] { p.useLinkHeader = try v.expectBool() }
        if let v = o["echo"] {
            let e = try v.expectObject(allowed: ["offset", "limit"])
            p.echoOffset = try e["offset"]?.expectPointer()
            p.echoLimit = try e["limit"]?.expectPointer()
        }
        if let v = o["maxPages"] { p.maxPages = try v.expectInt(min: 1, max: 10_000) }
        if let v = o["itemSchema"] { p.itemSchema = try schema(v) }
        if let v = o["pageSchema"] { p.pageSchema = try schema(v) }
        if let v = o["pastEnd"] { p.checkPastEnd = try v.expectBool() }
        if let v = o["expectIds"] { p.expectIDs = try v.expectArray().map { i throws(Diagnostic) in try jsonTemplate(i) } }
        if let v = o["expectAbsentIds"] { p.expectAbsentIDs = try v.expectArray().map { i throws(Diagnostic) in try jsonTemplate(i) } }
        if let v = o["captureIds"] {
            let name = try v.expectString()
            try checkVariableName(name, allowDots: false, at: v.location)
            p.captureIDs = name
        }
        if style == .next && p.nextLink == nil && !p.useLinkHeader {
            throw n.error("style 'next' needs 'next' (a JSON Pointer to the next-page URL) or \"linkHeader\": true")
        }
        return p
    }

    // MARK: Templates and the variables they use

    func template(_ n: Node) throws(Diagnostic) -> Template {
        let s = try n.expectString()
        // A text seen in an earlier file is not parsed again; its placeholders are checked here all the same.
        if let shared = Interner.shared.template(source: s) {
            try checkPlaceholders(shared.placeholders, at: n.location, in: s)
            return shared
        }
        let t: Template
        do { t = try Template(parsing: s) } catch {
            throw Diagnostic(error.message, at: SourceLocation(file: n.location.file, line: n.location.line,
                                                                column: n.location.column + 1 + error.offset))
        }
        try checkPlaceholders(t.placeholders, at: n.location, in: s)
        return Interner.shared.intern(t)
    }

    func jsonTemplate(_ n: Node) throws(Diagnostic) -> JSONTemplate {
        let key = Interner.key(of: n.value)
        if let shared = Interner.shared.jsonTemplate(key: key) {
            try checkJSONTemplate(shared, node: n)
            return shared
        }
        let t: JSONTemplate
        do { t = try JSONTemplate(n.value) } catch {
            let at = document.location(of: JSONPointer(tokens: n.pointer.tokens + error.pointer.tokens))
            throw Diagnostic(error.error.message, at: at)
        }
        // Report an unknown variable at the string that uses it.
        try checkJSONTemplate(t, node: n)
        return Interner.shared.intern(t, key: key)
    }

    func checkJSONTemplate(_ t: JSONTemplate, node n: Node) throws(Diagnostic) {
        switch t {
        case .value: return
        case .string(let s): try checkPlaceholders(s.placeholders, at: n.location, in: s.source)
        case .array(let items):
            for (i, item) in items.enumerated() {
                try checkJSONTemplate(item, node: n.member(i, value: n.value.arrayValue?[i] ?? .null))
            }
        case .object(let members):
            for (k, item) in members {
                guard let child = n.child(k) else { continue }
                try checkJSONTemplate(item, node: child)
            }
        }
    }

    /// Reports the first placeholder naming a variable that has no value here. With the string's
    /// text, the column points at the placeholder itself (exact unless escapes precede it).
    /// `location` is worked out only when a placeholder is unknown (it is asked for every string).
    func checkPlaceholders(_ placeholders: [Placeholder], at location: @autoclosure () -> SourceLocation,
                           in text: String? = nil) throws(Diagnostic) {
        for p in placeholders {
            guard case .variable(let name) = p, !known.contains(name), !anyVariable else { continue }
            var location = location()
            if let text, let r = text.range(of: "{{"), let at = text.range(of: name, range: r.lowerBound..<text.endIndex) {
                let open = text[..<at.lowerBound].range(of: "{{", options: .backwards)?.lowerBound ?? r.lowerBound
                location.column += 1 + text.distance(from: text.startIndex, to: open)
            }
            var message = "unknown variable '\(name)'"
            if let near = nearest(name, in: Array(known)) { message += "; did you mean '\(near)'?" }
            message += " (declare it in 'variables', list it in 'requires' if it comes from --var, or capture it in an earlier step)"
            throw Diagnostic(message, at: location)
        }
    }
}
