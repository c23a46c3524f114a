import ConformJSON
import ConformMocks
import Foundation
import Testing

@Suite("XMS mock over HTTP")
struct XMSMockTests {
    @Test func createRevealsTheUUIDOnlyOnCreate() async throws {
        try await withMock(.xms) { mock, client async throws in
            let created = try await client.post(XMS.collection, XMS.body("ci-bot", roles: ["admin", "ops"]))
            #expect(created.status == 201)
            let id = try #require(created["/access_token/id"]?.numberValue)
            #expect(id >= 1 && id.rounded() == id)
            let uuid = try #require(created["/access_token/uuid"]?.stringValue)
            #expect(UUID(uuidString: uuid) != nil)
            #expect(created["/access_token/name"] == "ci-bot")
            #expect(created["/access_token/roles"] == ["admin", "ops"])
            #expect(created["/access_token/description"] == "test")
            #expect(created["/access_token/used"] == false)
            #expect(created["/access_token/user/id"]?.numberValue != nil)
            #expect(created["/access_token/create"]?.stringValue?.hasSuffix("Z") == true)

            let fetched = try await client.get("/access-tokens/\(Int(id))")
            #expect(fetched.status == 200)
            #expect(fetched["/access_token/uuid"] == nil)
            #expect(fetched["/access_token/name"] == "ci-bot")
            #expect(!fetched.text.contains(uuid))
            let listed = try await client.get(XMS.collection)
            #expect(listed["/access_tokens/0/name"] == "ci-bot")
            #expect(listed["/access_tokens/0/uuid"] == nil)
            #expect(!listed.text.contains(uuid))
        }
    }

    @Test func idsIncreaseAndDuplicateNamesConflict() async throws {
        try await withMock(.xms) { mock, client async throws in
            let a = try await XMS.create(client, "a")
            let b = try await XMS.create(client, "b")
            #expect(b.id > a.id)
            let again = try await client.post(XMS.collection, XMS.body("a"))
            #expect(again.status == 409)
            #expect(again["/code"] == "Conflict")
            #expect(again["/message"]?.stringValue != nil)
        }
    }

    @Test func patchRenamesAndPersists() async throws {
        try await withMock(.xms) { mock, client async throws in
            let (id, uuid) = try await XMS.create(client, "old")
            let patched = try await client.patch("/access-tokens/\(id)", ["access_token": ["name": "new"]])
            #expect(patched.status == 200)
            #expect(patched["/access_token/name"] == "new")
            #expect(patched["/access_token/uuid"] == nil)
            #expect(!patched.text.contains(uuid))
            #expect(try await client.get("/access-tokens/\(id)")["/access_token/name"] == "new")
            #expect(mock.tokenNames == ["new"])

            try await XMS.create(client, "other")
            #expect(try await client.patch("/access-tokens/\(id)", ["access_token": ["name": "other"]]).status == 400)
            #expect(try await client.patch("/access-tokens/\(id)", ["access_token": [:]]).status == 400)
            #expect(try await client.patch("/access-tokens/\(id)", ["name": "flat"]).status == 400)
            #expect(try await client.patch("/access-tokens/999", ["access_token": ["name": "x"]]).status == 404)
            #expect(try await client.patch("/access-tokens/abc", ["access_token": ["name": "x"]]).status == 400)
        }
    }

    @Test func deleteAnswers204ThenTheTokenIsGone() async throws {
        try await withMock(.xms) { mock, client async throws in
            let (id, uuid) = try await XMS.create(client, "gone")
            try await expectDeletedOnce(client, "/access-tokens/\(id)")
            #expect(try await client.post("/access-tokens:validate?subject_access_token=\(uuid)").status == 400)
            #expect(try await client.delete("/access-tokens/x1").status == 400)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func regenerateIssuesANewSecretAndRetiresTheOld() async throws {
        try await withMock(.xms) { mock, client async throws in
            let (id, old) = try await XMS.create(client, "rotating")
            let regenerated = try await client.post("/access-tokens/\(id):regenerate")
            #expect(regenerated.status == 200)
            let new = try #require(regenerated["/access_token/uuid"]?.stringValue)
            #expect(new != old)
            #expect(regenerated["/access_token/id"]?.numberValue == Double(id))
            #expect(regenerated["/access_token/name"] == "rotating")

            let valid = try await client.post("/access-tokens:validate?subject_access_token=\(new)")
            #expect(valid.status == 200)
            #expect(valid["/access_token/id"]?.numberValue == Double(id))
            #expect(valid["/access_token/uuid"] == nil)
            let stale = try await client.post("/access-tokens:validate?subject_access_token=\(old)")
            #expect(stale.status == 400)
            #expect(try await client.get("/access-tokens/\(new)").status == 200)
            #expect(try await client.get("/access-tokens/\(old)").status == 404)

            #expect(try await client.post("/access-tokens/999:regenerate").status == 404)
            #expect(try await client.post("/access-tokens/abc:regenerate").status == 400)
            #expect(try await client.get("/access-tokens/\(id):regenerate").status == 405)
        }
    }

    @Test func validateNeedsTheSubjectParameter() async throws {
        try await withMock(.xms) { mock, client async throws in
            let missing = try await client.post("/access-tokens:validate")
            #expect(missing.status == 400)
            #expect(missing["/code"] == "BadRequest")
            #expect(try await client.post("/access-tokens:validate?subject_access_token=").status == 400)
            #expect(try await client.post("/access-tokens:validate?subject_access_token=\(UUID().uuidString)").status == 400)
            #expect(try await client.get("/access-tokens:validate?subject_access_token=x").status == 405)
        }
    }

    @Test func authenticationByHeaderQueryOrAccessTokenUUID() async throws {
        try await withMock(.xms) { mock, client async throws in
            let anonymous = TestClient(baseURL: mock.baseURL)
            let none = try await anonymous.get(XMS.collection)
            #expect(none.status == 401)
            #expect(none["/code"] == "Unauthorized")
            #expect(try await anonymous.get(XMS.collection, headers: ["Xms-Auth-Token": "wrong"]).status == 401)
            #expect(try await anonymous.get("\(XMS.collection)?token=wrong").status == 401)
            #expect(try await anonymous.get(XMS.collection, headers: ["Authorization": "Bearer \(mock.variables["token"]!)"]).status == 401)
            #expect(try await anonymous.get("\(XMS.collection)?token=\(mock.variables["token"]!)").status == 200)
            #expect(try await client.get(XMS.collection).status == 200)
            #expect(try await anonymous.post(XMS.collection, XMS.body("x")).status == 401)
            #expect(mock.tokenCount == 0)

            // An access token's uuid authenticates too, and marks the token used; deleted, it no longer does.
            let (id, uuid) = try await XMS.create(client, "as-auth")
            #expect(try await anonymous.get(XMS.collection, headers: ["Xms-Auth-Token": uuid]).status == 200)
            #expect(try await client.get("/access-tokens/\(id)")["/access_token/used"] == true)
            _ = try await client.delete("/access-tokens/\(id)")
            #expect(try await anonymous.get(XMS.collection, headers: ["Xms-Auth-Token": uuid]).status == 401)
        }
    }

    @Test(arguments: [
        ("no access_token wrapper", #"{"name":"a","roles":[]}"#),
        ("access_token not an object", #"{"access_token":"a"}"#),
        ("missing name", #"{"access_token":{"roles":[]}}"#),
        ("name a number", #"{"access_token":{"name":1,"roles":[]}}"#),
        ("missing roles", #"{"access_token":{"name":"a"}}"#),
        ("roles a string", #"{"access_token":{"name":"a","roles":"admin"}}"#),
        ("roles not strings", #"{"access_token":{"name":"a","roles":[1]}}"#),
        ("description a number", #"{"access_token":{"name":"a","roles":[],"description":2}}"#),
        ("body not JSON", #"{"access_token""#),
        ("empty body", ""),
    ])
    func createRejectsInvalidBodiesWith400(_ label: String, _ body: String) async throws {
        try await withMock(.xms) { mock, client async throws in
            let reply = try await client.send("POST", XMS.collection, body: Array(body.utf8), headers: ["Content-Type": "application/json"])
            #expect(reply.status == 400, "\(label)")
            #expect(reply["/code"] == "BadRequest")
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func emptyListIsAnEmptyWrappedArray() async throws {
        try await withMock(.xms) { mock, client async throws in
            let reply = try await client.get(XMS.collection)
            #expect(reply.status == 200)
            #expect(reply.json == ["access_tokens": []])
        }
    }

    @Test func limitAndOffsetPageThroughExactMultiplesAndPastTheEnd() async throws {
        try await withMock(.xms) { mock, client async throws in
            var created: [String] = []
            for i in 0..<4 { created.append(String(try await XMS.create(client, "t\(i)").id)) }
            #expect(ids(try await client.get("\(XMS.collection)?limit=2&offset=0"), "/access_tokens") == Array(created[0..<2]))
            #expect(ids(try await client.get("\(XMS.collection)?limit=2&offset=2"), "/access_tokens") == Array(created[2..<4]))
            let end = try await client.get("\(XMS.collection)?limit=2&offset=4")
            #expect(end.status == 200)
            #expect(end.json == ["access_tokens": []])
            #expect(ids(try await client.get("\(XMS.collection)?offset=3"), "/access_tokens") == [created[3]])
            #expect(ids(try await client.get(XMS.collection), "/access_tokens") == created)
            #expect(ids(try await client.get("\(XMS.collection)?limit=0"), "/access_tokens") == [])
            #expect(ids(try await client.get("\(XMS.collection)?limit=\(Int64.max)&offset=\(Int64.max)"), "/access_tokens") == [])
        }
    }

    @Test func filtersByRoleUserAndAll() async throws {
        try await withMock(.xms) { mock, client async throws in
            let admin = try await XMS.create(client, "a", roles: ["admin"])
            let ops = try await XMS.create(client, "b", roles: ["ops", "audit"])
            let owner = try await client.get("/access-tokens/\(admin.id)")
            let userID = Int(try #require(owner["/access_token/user/id"]?.numberValue))
            #expect(ids(try await client.get("\(XMS.collection)?role=ops"), "/access_tokens") == [String(ops.id)])
            #expect(ids(try await client.get("\(XMS.collection)?role=none"), "/access_tokens") == [])
            #expect(ids(try await client.get("\(XMS.collection)?user_id=\(userID)"), "/access_tokens").count == 2)
            #expect(ids(try await client.get("\(XMS.collection)?user_id=\(userID + 1)"), "/access_tokens") == [])
            #expect(ids(try await client.get("\(XMS.collection)?all=true"), "/access_tokens").count == 2)
        }
    }

    @Test(arguments: ["limit=-1", "limit=x", "offset=1.5", "user_id=me", "all=maybe"])
    func invalidListParametersAre400(_ query: String) async throws {
        try await withMock(.xms) { mock, client async throws in
            let reply = try await client.get("\(XMS.collection)?\(query)")
            #expect(reply.status == 400)
            #expect(reply["/code"] == "BadRequest")
        }
    }

    @Test func pathsAreTakenLiterally() async throws {
        try await withMock(.xms) { mock, client async throws in
            let bare = try await client.get("/access-tokens")
            #expect(bare.status == 404)
            #expect(bare["/message"]?.stringValue?.contains("trailing slash") == true)
            #expect(try await client.get("/v1/access-tokens/").status == 404)
            #expect(try await client.get("/access-tokens/1/x").status == 404)
            let wrong = try await client.send("PUT", XMS.collection, json: [:])
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "GET, POST")
            #expect(try await client.post("/access-tokens/1").status == 405)
            #expect(try await client.get("/access-tokens/12345").status == 404)
        }
    }
}
