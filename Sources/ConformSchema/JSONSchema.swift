import ConformJSON

/// A compiled JSON Schema, ready to validate any number of instances (from any thread).
///
/// Hand-written: no JSON Schema validator package is available in this project's package
/// mirror (its Swift packages include none), and conform needs draft 4, 2020-12 and OpenAPI 3.0
/// with file:line:column errors and readable messages.
public struct JSONSchema: Sendable {
    let program: Program
    /// The dialect of the root schema.
    public let dialect: SchemaDialect
    /// Keywords recognised but not applied (e.g. `$ref` siblings in OpenAPI 3.0, `format` names not checked).
    public let unsupportedKeywords: [UnsupportedKeyword]

    init(program: Program, dialect: SchemaDialect, unsupportedKeywords: [UnsupportedKeyword]) {
        self.program = program
        self.dialect = dialect
        self.unsupportedKeywords = unsupportedKeywords
    }

    /// Compiles a standalone schema value (`$ref`s to files resolve from the working directory).
    public init(_ json: JSON, options: SchemaOptions = SchemaOptions()) throws(SchemaError) {
        self = try SchemaStore().schema(json, options: options)
    }

    /// Every way `instance` fails the schema (at most `maxViolations`); empty when valid.
    public func validate(_ instance: JSON) -> [SchemaViolation] {
        var e = Evaluator(program: program, reporting: true)
        var ann = Annotations()
        _ = e.eval(program.root, instance, &ann, collect: false)
        return e.violations
    }

    /// Whether `instance` is valid; stops at the first failure.
    public func isValid(_ instance: JSON) -> Bool {
        var e = Evaluator(program: program, reporting: false)
        var ann = Annotations()
        return e.eval(program.root, instance, &ann, collect: false)
    }
}
