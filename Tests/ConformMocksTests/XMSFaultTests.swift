import ConformJSON
import ConformMocks
import Foundation
import Testing

/// One test per XMS fault, each showing the behaviour the fault switches on.
@Suite("XMS faults")
struct XMSFaultTests {
    static let covered: Set<String> = [
        "secret-on-get", "secret-in-list", "regenerate-keeps-old-secret", "regenerate-same-secret",
        "pagination-off-by-one", "duplicate-across-pages", "past-end-error", "auth-ignored", "deleted-still-readable",
        "wrong-success-status", "wrong-field-type", "patch-not-persisted", "list-not-wrapped", "validation-skipped",
    ]

    @Test func everyFaultHasATest() {
        #expect(Set(MockAPI.xms.faults.map(\.name)) == Self.covered)
    }

    @Test func secretOnGet() async throws {
        try await withMock(.xms, faults: ["secret-on-get"]) { _, client async throws in
            let (id, uuid) = try await XMS.create(client, "leaky")
            #expect(try await client.get("/access-tokens/\(id)")["/access_token/uuid"]?.stringValue == uuid)
        }
    }

    @Test func secretInList() async throws {
        try await withMock(.xms, faults: ["secret-in-list"]) { _, client async throws in
            let (_, uuid) = try await XMS.create(client, "leaky")
            #expect(try await client.get(XMS.collection)["/access_tokens/0/uuid"]?.stringValue == uuid)
        }
    }

    @Test func regenerateKeepsOldSecret() async throws {
        try await withMock(.xms, faults: ["regenerate-keeps-old-secret"]) { mock, client async throws in
            let (id, old) = try await XMS.create(client, "rotating")
            let new = try await client.post("/access-tokens/\(id):regenerate")["/access_token/uuid"]?.stringValue
            #expect(new != nil && new != old)
            #expect(try await client.post("/access-tokens:validate?subject_access_token=\(old)").status == 200)
            let anonymous = TestClient(baseURL: mock.baseURL)
            #expect(try await anonymous.get(XMS.collection, headers: ["Xms-Auth-Token": old]).status == 200)
        }
    }

    @Test func regenerateSameSecret() async throws {
        try await withMock(.xms, faults: ["regenerate-same-secret"]) { _, client async throws in
            let (id, old) = try await XMS.create(client, "stuck")
            let regenerated = try await client.post("/access-tokens/\(id):regenerate")
            #expect(regenerated.status == 200)
            #expect(regenerated["/access_token/uuid"]?.stringValue == old)
        }
    }

    @Test func paginationOffByOne() async throws {
        try await withMock(.xms, faults: ["pagination-off-by-one"]) { _, client async throws in
            for i in 0..<5 { try await XMS.create(client, "t\(i)") }
            var seen: [String] = []
            for offset in stride(from: 0, to: 5, by: 2) {
                seen += ids(try await client.get("\(XMS.collection)?limit=2&offset=\(offset)"), "/access_tokens")
            }
            #expect(seen.count == 3)
        }
    }

    @Test func duplicateAcrossPages() async throws {
        try await withMock(.xms, faults: ["duplicate-across-pages"]) { _, client async throws in
            for i in 0..<4 { try await XMS.create(client, "t\(i)") }
            let first = ids(try await client.get("\(XMS.collection)?limit=2&offset=0"), "/access_tokens")
            let second = ids(try await client.get("\(XMS.collection)?limit=2&offset=2"), "/access_tokens")
            #expect(first.count == 2 && second.count == 2)
            #expect(first.last == second.first)
        }
    }

    @Test func pastEndError() async throws {
        try await withMock(.xms, faults: ["past-end-error"]) { _, client async throws in
            try await XMS.create(client, "only")
            #expect(try await client.get("\(XMS.collection)?limit=2&offset=4").status == 400)
        }
    }

    @Test func authIgnored() async throws {
        try await withMock(.xms, faults: ["auth-ignored"]) { mock, _ async throws in
            let anonymous = TestClient(baseURL: mock.baseURL)
            #expect(try await anonymous.get(XMS.collection).status == 200)
            #expect(try await anonymous.post(XMS.collection, XMS.body("anon"), headers: ["Xms-Auth-Token": "wrong"]).status == 201)
        }
    }

    @Test func deletedStillReadable() async throws {
        try await withMock(.xms, faults: ["deleted-still-readable"]) { _, client async throws in
            let (id, _) = try await XMS.create(client, "zombie")
            #expect(try await client.delete("/access-tokens/\(id)").status == 204)
            let fetched = try await client.get("/access-tokens/\(id)")
            #expect(fetched.status == 200)
            #expect(fetched["/access_token/name"] == "zombie")
        }
    }

    @Test func wrongSuccessStatus() async throws {
        try await withMock(.xms, faults: ["wrong-success-status"]) { _, client async throws in
            let created = try await client.post(XMS.collection, XMS.body("accepted"))
            #expect(created.status == 202)
            #expect(created["/access_token/uuid"]?.stringValue != nil)
        }
    }

    @Test func wrongFieldType() async throws {
        try await withMock(.xms, faults: ["wrong-field-type"]) { _, client async throws in
            let created = try await client.post(XMS.collection, XMS.body("stringly"))
            #expect(created["/access_token/id"] == "1")
        }
    }

    @Test func patchNotPersisted() async throws {
        try await withMock(.xms, faults: ["patch-not-persisted"]) { _, client async throws in
            let (id, _) = try await XMS.create(client, "before")
            #expect(try await client.patch("/access-tokens/\(id)", ["access_token": ["name": "after"]])["/access_token/name"] == "after")
            #expect(try await client.get("/access-tokens/\(id)")["/access_token/name"] == "before")
        }
    }

    @Test func listNotWrapped() async throws {
        try await withMock(.xms, faults: ["list-not-wrapped"]) { _, client async throws in
            try await XMS.create(client, "bare")
            let listed = try await client.get(XMS.collection)
            #expect(listed.json?.arrayValue?.count == 1)
            #expect(listed["/0/name"] == "bare")
        }
    }

    @Test func validationSkipped() async throws {
        try await withMock(.xms, faults: ["validation-skipped"]) { _, client async throws in
            let created = try await client.post(XMS.collection, ["access_token": ["name": "no-roles"]])
            #expect(created.status == 201)
            #expect(created["/access_token/roles"] == [])
        }
    }
}
