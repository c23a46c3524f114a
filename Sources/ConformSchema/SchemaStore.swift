import ConformJSON
import Foundation
import Synchronization

/// Loads schema documents (files, embedded metaschemas, mapped remote URIs), caches them by URI,
/// and compiles schemas once.
///
/// Share one store per run: documents such as an OpenAPI file are read and converted once, and a
/// schema asked for twice with the same options is compiled once.
public final class SchemaStore: Sendable {
    /// URI prefix → local directory, e.g. `http://localhost:1234/` → the test suite's `remotes/`.
    private let remoteDirectories: [(prefix: String, directory: String)]
    private let state = Mutex(State())

    private struct State {
        var documents: [String: SchemaDocument] = [:]
        var compiled: [CacheKey: JSONSchema] = [:]
    }

    private enum CacheKey: Hashable {
        case file(path: String, fragment: String?, SchemaOptions)
        case inline(JSON, base: String, SchemaOptions)
    }

    /// - Parameter remoteDirectories: URI prefixes served from local folders (no network is ever used).
    public init(remoteDirectories: [String: String] = [:]) {
        self.remoteDirectories = remoteDirectories.sorted { $0.key.count > $1.key.count }
            .map { (prefix: $0.key, directory: $0.value) }
    }

    /// The document at `path` (relative paths are taken from the working directory), loaded once.
    public func document(atPath path: String) throws(SchemaError) -> SchemaDocument {
        try document(uri: FileURI.from(path: Self.absolute(path)))
    }

    /// The compiled schema at `path`, optionally at a `fragment` (`/components/schemas/Token` or an anchor).
    public func schema(atPath path: String, fragment: String? = nil,
                       options: SchemaOptions = SchemaOptions()) throws(SchemaError) -> JSONSchema {
        // An absolute path means the same file whatever the working directory: look it up as given
        // first, since normalising it costs more than validating a small body (asked per response).
        let given = path.hasPrefix("/") ? CacheKey.file(path: path, fragment: fragment, options) : nil
        if let given, let hit = state.withLock({ $0.compiled[given] }) { return hit }
        let absolute = Self.absolute(path)
        let key = CacheKey.file(path: absolute, fragment: fragment, options)
        if let hit = state.withLock({ $0.compiled[key] }) {
            if let given { state.withLock { $0.compiled[given] = hit } }
            return hit
        }
        let uri = FileURI.from(path: absolute)
        let doc = try document(uri: uri)
        var compiler = Compiler(store: self, options: options, root: doc)
        let schema = try compiler.compileRoot(fragment: fragment)
        state.withLock {
            $0.compiled[key] = schema
            if let given { $0.compiled[given] = schema }
        }
        return schema
    }

    /// Compiles a schema given as a value (e.g. written inline in a scenario).
    ///
    /// - Parameters:
    ///   - baseFile: the file it was written in; relative `$ref`s resolve from that file's folder
    ///     (from the working directory when nil).
    ///   - location: where it was written, used for errors (an inline value has no finer positions).
    public func schema(_ json: JSON, baseFile: String? = nil, location: SourceLocation? = nil,
                       options: SchemaOptions = SchemaOptions()) throws(SchemaError) -> JSONSchema {
        // Without a file, relative references resolve from the working directory.
        let base = FileURI.from(path: baseFile.map(Self.absolute) ?? FileManager.default.currentDirectoryPath + "/")
        let key = CacheKey.inline(json, base: base, options)
        if let hit = state.withLock({ $0.compiled[key] }) { return hit }
        let doc = SchemaDocument(uri: base, root: json, displayName: "", locator: location.map { .fixed($0) } ?? .none)
        var compiler = Compiler(store: self, options: options, root: doc)
        let schema = try compiler.compileRoot(fragment: nil)
        state.withLock { $0.compiled[key] = schema }
        return schema
    }

    /// The document for a URI without fragment: cached, embedded, mapped to a local folder, or a `file:` URI.
    func document(uri: String) throws(SchemaError) -> SchemaDocument {
        if let hit = state.withLock({ $0.documents[uri] }) { return hit }
        let doc: SchemaDocument
        if let text = EmbeddedMetaschemas.documents[uri] {
            do {
                doc = SchemaDocument(uri: uri, root: try JSONParser.parse(text, file: uri).root, displayName: uri, locator: .none)
            } catch {
                throw SchemaError("embedded metaschema is invalid: \(error)", schemaPath: uri)
            }
        } else if let mapped = remoteDirectories.first(where: { uri.hasPrefix($0.prefix) }) {
            let path = mapped.directory + "/" + String(uri.dropFirst(mapped.prefix.count)).percentDecoded
            doc = try SchemaDocument.load(path: path, uri: uri)
        } else if let path = FileURI.path(of: uri) {
            guard FileManager.default.fileExists(atPath: path) else {
                let shown = SchemaDocument.displayPath(path)
                throw SchemaError("schema file '\(shown)' does not exist", schemaPath: shown)
            }
            doc = try SchemaDocument.load(path: path, uri: uri)
        } else {
            throw SchemaError("'\(uri)' is neither a local file nor a known schema; remote schemas are not fetched",
                              schemaPath: uri)
        }
        state.withLock { $0.documents[uri] = doc }
        return doc
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URIReference.removeDotSegments(full)
    }
}
