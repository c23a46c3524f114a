import ConformJSON
import Foundation

/// A JSON or YAML document that holds schemas (a schema file, an OpenAPI document, a metaschema).
public struct SchemaDocument: Sendable {
    /// The URI the document was retrieved from (`file:///…` for files).
    public let uri: String
    /// The whole document as JSON (YAML converted).
    public let root: JSON
    /// How the document is named in messages (a path relative to the working directory, or the URI).
    public let displayName: String
    private let locator: Locator

    enum Locator: Sendable {
        case none
        case json(JSONDocument)
        case yaml([String: SourceLocation])
        /// One place for every pointer (an inline schema known only by where it starts).
        case fixed(SourceLocation)
    }

    init(uri: String, root: JSON, displayName: String, locator: Locator) {
        self.uri = uri
        self.root = root
        self.displayName = displayName
        self.locator = locator
    }

    /// Where the value at `pointer` is written, when the document came from a file.
    public func location(of pointer: JSONPointer) -> SourceLocation? {
        switch locator {
        case .none: return nil
        case .json(let doc): return doc.location(of: pointer)
        case .fixed(let loc): return loc
        case .yaml(let table):
            // A pointer into a scalar's text (or past the table) falls back to the nearest enclosing node.
            var p: JSONPointer? = pointer
            while let q = p {
                if let loc = table[q.description] { return loc }
                p = q.parent
            }
            return nil
        }
    }

    /// Loads a `.json`, `.yaml` or `.yml` file (other names: JSON first, then YAML).
    static func load(path: String, uri: String) throws(SchemaError) -> SchemaDocument {
        let display = displayPath(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SchemaError("cannot read schema file '\(display)'", schemaPath: display)
        }
        let bytes = [UInt8](data)
        let lower = path.lowercased()
        let isYAML = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        if !isYAML {
            do {
                let doc = try JSONParser.parse(bytes, file: display)
                return SchemaDocument(uri: uri, root: doc.root, displayName: display, locator: .json(doc))
            } catch {
                if lower.hasSuffix(".json") { throw SchemaError(error.message, schemaPath: display, location: error.location) }
            }
        }
        let (root, table) = try YAMLConversion.convert(bytes: bytes, file: display)
        return SchemaDocument(uri: uri, root: root, displayName: display, locator: .yaml(table))
    }

    /// A path as a person would type it: relative to the working directory when inside it.
    static func displayPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
