import ConformJSON

/// How schemas are compiled and instances validated.
public struct SchemaOptions: Sendable, Hashable {
    /// The dialect of a schema that names none (no `$schema`, not inside an OpenAPI document).
    public var defaultDialect: SchemaDialect
    /// Whether `format` asserts (for the formats in `FormatChecker.assertable`) instead of annotating.
    public var assertFormats: Bool
    /// At most this many violations are reported per instance.
    public var maxViolations: Int
    /// Evaluation stops with a violation past this many nested schema evaluations.
    public var maxDepth: Int

    public init(defaultDialect: SchemaDialect = .draft2020_12, assertFormats: Bool = false,
                maxViolations: Int = 20, maxDepth: Int = 400) {
        self.defaultDialect = defaultDialect
        self.assertFormats = assertFormats
        self.maxViolations = max(1, maxViolations)
        self.maxDepth = max(8, maxDepth)
    }
}

/// One way an instance fails its schema.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance (empty pointer: the instance itself).
    public var instancePath: JSONPointer
    /// The failing keyword, e.g. `#/properties/name/pattern` or `openapi.yaml#/components/schemas/Token/required`.
    public var schemaPath: String
    /// What is wrong, for a person: `"Abc!" does not match pattern ^[a-z0-9-]+$`.
    public var message: String

    public init(instancePath: JSONPointer, schemaPath: String, message: String) {
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.message = message
    }

    /// `/name: "Abc!" does not match pattern ^[a-z0-9-]+$` (`(root)` for the instance itself).
    public var description: String {
        let at = instancePath.tokens.isEmpty ? "(root)" : instancePath.description
        return "\(at): \(message)"
    }
}

/// A schema that cannot be compiled: malformed, a `$ref` that cannot be resolved, a `$ref` cycle.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `cannot resolve $ref "#/$defs/x": nothing at /$defs/x in …`.
    public var message: String
    /// The keyword at fault, e.g. `#/properties/a/$ref` (or a document URI for load errors).
    public var schemaPath: String
    /// Where it is written, when the schema came from a file.
    public var location: SourceLocation?

    public init(_ message: String, schemaPath: String, location: SourceLocation? = nil) {
        self.message = message
        self.schemaPath = schemaPath
        self.location = location
    }

    /// `file:line:column: message (at #/pointer)`, or `#/pointer: message` without a file.
    public var description: String {
        if let location { return "\(location): \(message) (at \(schemaPath))" }
        return "\(schemaPath): \(message)"
    }

    /// The error as a `Diagnostic` (placed at `fallback` when the schema has no file position).
    public func diagnostic(fallback: SourceLocation) -> Diagnostic {
        Diagnostic(location == nil ? "\(message) (at \(schemaPath))" : message, at: location ?? fallback)
    }
}

/// A keyword this validator recognises but does not apply; conform reports these instead of ignoring them.
public struct UnsupportedKeyword: Sendable, Hashable, CustomStringConvertible {
    /// The keyword as written, e.g. `$recursiveRef` or `nullable`.
    public var keyword: String
    /// The keyword's place, e.g. `#/properties/a/$recursiveRef`.
    public var schemaPath: String
    /// Where it is written, when the schema came from a file.
    public var location: SourceLocation?
    /// Why it has no effect.
    public var reason: String

    public init(keyword: String, schemaPath: String, location: SourceLocation?, reason: String) {
        self.keyword = keyword
        self.schemaPath = schemaPath
        self.location = location
        self.reason = reason
    }

    public var description: String {
        let at = location.map { "\($0): " } ?? ""
        return "\(at)keyword '\(keyword)' at \(schemaPath) is not applied: \(reason)"
    }
}
