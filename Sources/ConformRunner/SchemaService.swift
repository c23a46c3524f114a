import ConformJSON
import ConformScenario
import ConformSchema
import Synchronization

/// Compiles each schema a run uses once (the store caches) and validates bodies against it.
public final class SchemaService: Sendable {
    let store: SchemaStore
    /// Compiled schemas of file references by path and fragment. The store caches too, but its lookup
    /// normalises the path first, which cost more than validating a small body; this runs per response.
    private let files = Mutex<[String: JSONSchema]>([:])

    public init(store: SchemaStore = SchemaStore()) {
        self.store = store
    }

    /// Violation messages of `value` against the schema (empty = valid).
    public func violations(of value: JSON, against reference: SchemaReference) throws -> [String] {
        try schema(for: reference).validate(value).map(\.description)
    }

    func schema(for reference: SchemaReference) throws -> JSONSchema {
        guard case .file(let path, let fragment) = reference.source else { return try SchemaCompilation.compile(reference, store: store) }
        let key = fragment.map { path + "\u{0}" + $0 } ?? path  // NUL: in neither a path nor a fragment
        if let schema = files.withLock({ $0[key] }) { return schema }
        let schema = try SchemaCompilation.compile(reference, store: store)
        files.withLock { $0[key] = schema }
        return schema
    }
}
