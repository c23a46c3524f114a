import ConformJSON
import ConformScenario
import ConformSchema

/// Compiles each schema a run uses once (the store caches) and validates bodies against it.
public final class SchemaService: Sendable {
    let store: SchemaStore

    public init(store: SchemaStore = SchemaStore()) {
        self.store = store
    }

    /// Violation messages of `value` against the schema (empty = valid).
    public func violations(of value: JSON, against reference: SchemaReference) throws -> [String] {
        try schema(for: reference).validate(value).map(\.description)
    }

    func schema(for reference: SchemaReference) throws -> JSONSchema {
        try SchemaCompilation.compile(reference, store: store)
    }
}
