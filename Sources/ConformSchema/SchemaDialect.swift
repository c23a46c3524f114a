/// The JSON Schema dialects this validator understands.
public enum SchemaDialect: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// JSON Schema draft 4 (`http://json-schema.org/draft-04/schema#`).
    case draft4
    /// JSON Schema 2020-12 (`https://json-schema.org/draft/2020-12/schema`).
    case draft2020_12
    /// OpenAPI 3.0 Schema Objects: draft 4 plus `nullable`, `$ref` siblings ignored, OpenAPI annotations.
    case openAPI30

    public var description: String {
        switch self {
        case .draft4: "draft 4"
        case .draft2020_12: "draft 2020-12"
        case .openAPI30: "OpenAPI 3.0"
        }
    }

    /// Draft 4 and OpenAPI 3.0 share keyword semantics (boolean exclusive bounds, `items` arrays, `id`).
    var isDraft4Family: Bool { self != .draft2020_12 }

    static let draft4URIs: Set<String> = [
        "http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-04/schema",
        "https://json-schema.org/draft-04/schema#", "https://json-schema.org/draft-04/schema",
    ]
    static let draft2020URIs: Set<String> = [
        "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#",
        "http://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft/2020-12/schema#",
    ]

    /// The dialect a well-known `$schema` URI names, if any.
    static func known(schemaURI: String) -> SchemaDialect? {
        if draft4URIs.contains(schemaURI) { return .draft4 }
        if draft2020URIs.contains(schemaURI) { return .draft2020_12 }
        return nil
    }

    /// Other drafts we recognise by name but do not implement (an error names them clearly).
    static func unsupportedDraftName(schemaURI: String) -> String? {
        let names = ["draft-03": "draft 3", "draft-06": "draft 6", "draft-07": "draft 7", "draft/2019-09": "draft 2019-09"]
        guard schemaURI.contains("json-schema.org") else { return nil }
        for (needle, name) in names where schemaURI.contains(needle) { return name }
        return nil
    }
}

/// 2020-12 vocabularies that switch keywords on and off (`$vocabulary` in a custom metaschema).
struct Vocabularies: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    static let applicator = Vocabularies(rawValue: 1)
    static let unevaluated = Vocabularies(rawValue: 2)
    static let validation = Vocabularies(rawValue: 4)
    /// `format` asserts instead of annotating.
    static let formatAssertion = Vocabularies(rawValue: 8)
    static let standard: Vocabularies = [.applicator, .unevaluated, .validation]

    static let base = "https://json-schema.org/draft/2020-12/vocab/"
    /// Vocabulary URI → the switch it controls (nil: known, keywords are annotations or core).
    static let known: [String: Vocabularies?] = [
        base + "core": nil, base + "applicator": .applicator, base + "unevaluated": .unevaluated,
        base + "validation": .validation, base + "meta-data": nil, base + "format-annotation": nil,
        base + "format-assertion": .formatAssertion, base + "content": nil,
    ]
}

/// The rules a schema object is compiled with: its dialect and, for 2020-12, the active vocabularies.
struct Dialect: Hashable, Sendable {
    var base: SchemaDialect
    var vocabularies: Vocabularies

    init(_ base: SchemaDialect, vocabularies: Vocabularies = .standard) {
        self.base = base
        self.vocabularies = vocabularies
    }

    func has(_ v: Vocabularies) -> Bool { base.isDraft4Family || vocabularies.contains(v) }
}
