import ConformJSON
import Foundation
import Testing
@testable import ConformSchema

/// The project's real OpenAPI documents (`../shared/openapi`): every component schema must compile.
@Suite struct SharedOpenAPITests {
    static let folder = (OfficialSuite.root as NSString).deletingLastPathComponent + "/openapi"

    static let documents: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()

    @Test func documentsArePresent() {
        #expect(Self.documents.count >= 4, "expected the OpenAPI documents in \(Self.folder)")
    }

    @Test(arguments: documents)
    func everyComponentSchemaCompiles(document: String) throws {
        let store = SchemaStore()
        let path = Self.folder + "/" + document
        let root = try store.document(atPath: path).root
        let container = root["components"]?["schemas"] != nil ? ["components", "schemas"] : ["definitions"]
        let names = Array(JSONPointer(tokens: container).resolve(in: root)?.objectValue?.keys ?? [])
        #expect(!names.isEmpty)
        for name in names {
            let pointer = JSONPointer(tokens: container + [name]).description
            let schema = try store.schema(atPath: path, fragment: pointer)
            #expect(schema.dialect == .openAPI30)
            // The only thing these documents get wrong is Swagger-style `required: true` on properties.
            #expect(schema.unsupportedKeywords.allSatisfy { $0.keyword == "required" }, "\(schema.unsupportedKeywords)")
        }
    }

    @Test func ionosTokenResponse() throws {
        let path = Self.folder + "/ionos-container-registry.openapi.sdk-go-bundle-4182521.yaml"
        let schema = try SchemaStore().schema(atPath: path, fragment: "/components/schemas/TokenResponse",
                                              options: SchemaOptions(assertFormats: true))
        let body = try json(#"""
        {"id": "046b6c7f-0b8a-43b9-b35d-6489e6daee91", "type": "token", "href": "/tokens/1",
         "metadata": {"createdDate": "2024-01-23T04:56:07.000+00:00", "createdBy": "me", "createdByUserId": "u1",
                      "state": "AVAILABLE"},
         "properties": {"name": "push-token", "expiryDate": null, "status": "enabled",
                        "credentials": {"username": "push-token", "password": ""},
                        "scopes": [{"name": "*", "type": "repository", "actions": ["pull", "push"]}]}}
        """#)
        #expect(schema.validate(body) == [])
        var broken = body.objectValue!
        var properties = broken["properties"]!.objectValue!
        properties["expiryDate"] = 12
        properties["name"] = "push token!"
        broken["properties"] = .object(properties)
        broken["id"] = "not-a-uuid"
        #expect(schema.validate(.object(broken)).map(\.description) == [
            #"/id: "not-a-uuid" is not a valid uuid"#,
            #"/properties/name: "push token!" does not match pattern ^[A-Za-z][-A-Za-z0-9]{0,61}[A-Za-z0-9]$"#,
            "/properties/expiryDate: expected string or null, got number 12",
        ])
    }
}
