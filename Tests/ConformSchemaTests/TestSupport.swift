import ConformJSON
import Foundation
@testable import ConformSchema

/// A temporary folder with files written into it; removed by `remove()`.
struct TempFolder {
    let path: String

    init(_ files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("conform-schema-\(UUID().uuidString)").path
        for (name, text) in files {
            let file = path + "/" + name
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Parses JSON text written in a test.
func json(_ text: String) throws -> JSON {
    try JSONParser.parse(text).root
}

/// Compiles a schema written as JSON text.
func compile(_ text: String, _ options: SchemaOptions = SchemaOptions()) throws -> JSONSchema {
    try JSONSchema(json(text), options: options)
}

/// The error a schema fails to compile with (nil when it compiles).
func compileError(_ text: String, _ options: SchemaOptions = SchemaOptions()) throws -> SchemaError? {
    let value = try json(text)
    do {
        _ = try JSONSchema(value, options: options)
        return nil
    } catch {
        return error
    }
}

/// The `SchemaError` thrown by `body` (nil when it throws nothing).
func schemaError(_ body: () throws -> Void) -> SchemaError? {
    do {
        try body()
        return nil
    } catch {
        return error as? SchemaError
    }
}
