import ConformJSON
import ConformSchema

/// Turns a scenario's schema reference into a compiled schema.
public enum SchemaCompilation {
    public static func compile(_ reference: SchemaReference, store: SchemaStore) throws(SchemaError) -> JSONSchema {
        switch reference.source {
        case .inline(let json):
            return try store.schema(json, baseFile: reference.baseFile)
        case .file(let path, let fragment):
            return try store.schema(atPath: path, fragment: fragment)
        }
    }
}

extension Scenario {
    /// Every schema the scenario uses, with the line it is written on.
    public var schemaReferences: [SchemaReference] {
        var out: [SchemaReference] = []
        func add(_ assertions: [Assertion]) {
            for a in assertions { if case .schema(let s) = a { out.append(s) } }
        }
        for step in steps + cleanup {
            if let s = step.expect.schema { out.append(s) }
            for b in step.expect.body { add(b.assertions) }
            for h in step.expect.headers { add(h.assertions) }
            if case .paginate(let p) = step.action {
                if let s = p.itemSchema { out.append(s) }
                if let s = p.pageSchema { out.append(s) }
            }
        }
        return out
    }
}
