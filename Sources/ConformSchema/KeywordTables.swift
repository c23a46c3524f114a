/// Which keywords each dialect applies, which only annotate, and which belong to other drafts.
enum KeywordTables {
    /// Keywords that validate or apply subschemas in draft 4 (and OpenAPI 3.0).
    static let draft4: Set<String> = [
        "$ref", "type", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern", "format", "items", "additionalItems", "maxItems", "minItems",
        "uniqueItems", "maxProperties", "minProperties", "required", "properties", "patternProperties",
        "additionalProperties", "dependencies", "allOf", "anyOf", "oneOf", "not",
    ]

    /// Keywords that validate or apply subschemas in 2020-12.
    static let draft2020: Set<String> = [
        "$ref", "$dynamicRef", "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern", "format", "maxItems", "minItems", "uniqueItems",
        "maxContains", "minContains", "maxProperties", "minProperties", "required", "dependentRequired",
        "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties",
        "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
        "unevaluatedItems", "unevaluatedProperties",
    ]

    /// Identifiers, containers and annotations: accepted silently.
    static let silent: Set<String> = [
        "$schema", "$id", "$anchor", "$dynamicAnchor", "$vocabulary", "$comment", "$defs", "definitions",
        "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
        "contentMediaType", "contentEncoding", "contentSchema",
        // OpenAPI annotations.
        "example", "discriminator", "xml", "externalDocs",
    ]

    /// Keywords of drafts 6, 7 and 2019-09 that neither supported dialect has.
    static let otherDrafts: Set<String> = ["$recursiveRef", "$recursiveAnchor"]

    /// A keyword a person expects to validate but that `dialect` does not apply, with the reason; nil otherwise.
    static func unsupportedReason(_ keyword: String, in dialect: SchemaDialect) -> String? {
        if keyword.hasPrefix("x-") || silent.contains(keyword) { return nil }
        switch dialect {
        case .draft4, .openAPI30:
            if draft4.contains(keyword) || (keyword == "nullable" && dialect == .openAPI30) { return nil }
            if keyword == "id" { return nil }
            if keyword == "nullable" {
                return "'nullable' is an OpenAPI 3.0 keyword; in draft 4 write \"type\": [\"…\", \"null\"]"
            }
            if draft2020.contains(keyword) || otherDrafts.contains(keyword) {
                return "not a \(dialect) keyword (it comes from a later JSON Schema draft)"
            }
        case .draft2020_12:
            if draft2020.contains(keyword) { return nil }
            if keyword == "nullable" {
                return "'nullable' is an OpenAPI 3.0 keyword; in 2020-12 write \"type\": [\"…\", \"null\"]"
            }
            if keyword == "dependencies" { return "replaced in 2020-12 by 'dependentRequired' and 'dependentSchemas'" }
            if keyword == "additionalItems" { return "replaced in 2020-12 by 'items' after 'prefixItems'" }
            if keyword == "id" { return nil }  // a common property-like word; 2020-12 spells it $id
            if otherDrafts.contains(keyword) { return "a draft 2019-09 keyword; 2020-12 uses $dynamicRef/$dynamicAnchor" }
        }
        return nil
    }
}
