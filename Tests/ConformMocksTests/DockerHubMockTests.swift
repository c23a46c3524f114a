import ConformJSON
import ConformMocks
import Foundation
import Testing

@Suite("Docker Hub mock over HTTP")
struct DockerHubMockTests {
    @Test func ownerCredentialsExchangeForAWorkingJWT() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let anonymous = TestClient(baseURL: mock.baseURL)
            let reply = try await anonymous.post("/v2/auth/token", [
                "identifier": .string(mock.variables["identifier"]!), "secret": .string(mock.variables["secret"]!),
            ])
            #expect(reply.status == 200)
            let jwt = try #require(reply["/access_token"]?.stringValue)
            #expect(jwt.split(separator: ".").count == 3)
            #expect(jwt != mock.variables["token"])
            let listed = try await anonymous.get(Hub.tokens(mock), headers: ["Authorization": "Bearer \(jwt)"])
            #expect(listed.status == 200)
        }
    }

    @Test func wrongExchangeCredentialsAre401WithTheErrorShape() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let reply = try await client.post("/v2/auth/token", [
                "identifier": .string(mock.variables["identifier"]!), "secret": "dckr_pat_wrong",
            ])
            #expect(reply.status == 401)
            #expect(reply["/errinfo"]?.objectValue != nil)
            #expect(reply["/detail"]?.stringValue != nil)
            #expect(reply["/message"]?.stringValue != nil)
            #expect(reply["/access_token"] == nil)
            let missing = try await client.post("/v2/auth/token", ["identifier": "x"])
            #expect(missing.status == 400)
            #expect(missing["/fields/secret"]?.arrayValue?.isEmpty == false)
            let wrongType = try await client.post("/v2/auth/token", ["identifier": 1, "secret": "s"])
            #expect(wrongType.status == 400)
            #expect(try await client.get("/v2/auth/token").status == 405)
        }
    }

    @Test func createRevealsTheSecretOnceOnly() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let created = try await client.post(Hub.tokens(mock), Hub.body("CI token"))
            #expect(created.status == 201)
            let id = try #require(created["/id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil)
            let secret = try #require(created["/token"]?.stringValue)
            #expect(secret.hasPrefix("dckr_oat_"))
            #expect(created["/label"] == "CI token")
            #expect(created["/is_active"] == true)
            #expect(created["/created_by"]?.stringValue == mock.variables["identifier"])
            #expect(created["/expires_at"] == JSON.null)
            #expect(created["/last_used_at"] == JSON.null)
            #expect(created["/resources/0/type"] == "TYPE_REPO")
            #expect(created["/description"] == nil)

            let fetched = try await client.get("\(Hub.tokens(mock))/\(id)")
            #expect(fetched.status == 200)
            #expect(fetched["/token"] == nil)
            #expect(fetched["/resources/0/scopes"] == ["scope-image-pull"])
            #expect(!fetched.text.contains(secret))
            let listed = try await client.get(Hub.tokens(mock))
            #expect(listed["/results/0/id"]?.stringValue == id)
            #expect(listed["/results/0/token"] == nil)
            #expect(listed["/results/0/resources"] == nil)
            #expect(!listed.text.contains(secret))
        }
    }

    @Test func createWithExpiryAndWithoutResources() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let created = try await client.post(Hub.tokens(mock), ["label": "short", "expires_at": "2040-05-20T00:54:18Z"])
            #expect(created.status == 201)
            #expect(created["/expires_at"] == "2040-05-20T00:54:18Z")
            #expect(created["/resources"] == [])
        }
    }

    @Test func patchUpdatesLabelResourcesAndActivity() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let (id, _) = try await Hub.create(client, mock, "before")
            let path = "\(Hub.tokens(mock))/\(id)"
            let patched = try await client.patch(path, [
                "label": "after", "description": "changed", "is_active": false,
                "resources": [["type": "TYPE_ORG", "path": .string(mock.variables["org"]!), "scopes": ["scope-member-read"]]],
            ])
            #expect(patched.status == 200)
            #expect(patched["/label"] == "after")
            #expect(patched["/token"] == nil)
            let fetched = try await client.get(path)
            #expect(fetched["/label"] == "after")
            #expect(fetched["/is_active"] == false)
            #expect(fetched["/resources/0/type"] == "TYPE_ORG")
            #expect(fetched["/resources"]?.arrayValue?.count == 1)
            #expect(mock.tokenNames == ["after"])

            let bad = try await client.patch(path, ["is_active": "no"])
            #expect(bad.status == 400)
            #expect(bad["/fields/is_active"]?.arrayValue?.isEmpty == false)
            let missing = try await client.patch("\(Hub.tokens(mock))/\(UUID().uuidString)", ["label": "x"])
            #expect(missing.status == 404)
            #expect(missing["/detail"]?.stringValue != nil)
        }
    }

    @Test func deleteAnswers204ThenTheTokenIsGone() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let (id, _) = try await Hub.create(client, mock, "gone")
            let path = "\(Hub.tokens(mock))/\(id)"
            try await expectDeletedOnce(client, path)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func anOrganizationTokenExchangesButCannotManageTokens() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let (id, secret) = try await Hub.create(client, mock, "oat")
            let exchanged = try await client.post("/v2/auth/token", ["identifier": .string(mock.variables["org"]!), "secret": .string(secret)])
            #expect(exchanged.status == 200)
            let jwt = try #require(exchanged["/access_token"]?.stringValue)
            let forbidden = try await client.get(Hub.tokens(mock), headers: ["Authorization": "Bearer \(jwt)"])
            #expect(forbidden.status == 403)
            #expect(forbidden["/message"]?.stringValue != nil)
            let used = try await client.get("\(Hub.tokens(mock))/\(id)")
            #expect(used["/last_used_at"]?.stringValue?.hasSuffix("Z") == true)
            // The owner's username with an OAT is not an OAT exchange.
            let wrongIdentifier = try await client.post("/v2/auth/token", ["identifier": .string(mock.variables["identifier"]!), "secret": .string(secret)])
            #expect(wrongIdentifier.status == 401)
        }
    }

    @Test func deactivatedDeletedAndExpiredTokensNoLongerExchange() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let org = JSON.string(mock.variables["org"]!)
            let (inactiveID, inactive) = try await Hub.create(client, mock, "inactive")
            _ = try await client.patch("\(Hub.tokens(mock))/\(inactiveID)", ["is_active": false])
            #expect(try await client.post("/v2/auth/token", ["identifier": org, "secret": .string(inactive)]).status == 401)
            _ = try await client.patch("\(Hub.tokens(mock))/\(inactiveID)", ["is_active": true])
            #expect(try await client.post("/v2/auth/token", ["identifier": org, "secret": .string(inactive)]).status == 200)

            let (deletedID, deleted) = try await Hub.create(client, mock, "deleted")
            _ = try await client.delete("\(Hub.tokens(mock))/\(deletedID)")
            #expect(try await client.post("/v2/auth/token", ["identifier": org, "secret": .string(deleted)]).status == 401)

            let expired = try await client.post(Hub.tokens(mock), ["label": "old", "expires_at": "2001-01-01T00:00:00Z"])
            let expiredSecret = try #require(expired["/token"]?.stringValue)
            #expect(try await client.post("/v2/auth/token", ["identifier": org, "secret": .string(expiredSecret)]).status == 401)
            // "An expired token can only be deleted."
            let expiredPath = "\(Hub.tokens(mock))/\(expired["/id"]!.stringValue!)"
            #expect(try await client.patch(expiredPath, ["label": "new"]).status == 403)
            #expect(try await client.delete(expiredPath).status == 204)
        }
    }

    @Test(arguments: [
        ("missing label", #"{"resources":[]}"#, "label"),
        ("label a number", #"{"label":3}"#, "label"),
        ("description a number", #"{"label":"a","description":1}"#, "description"),
        ("resources an object", #"{"label":"a","resources":{}}"#, "resources"),
        ("resource type outside the enum", #"{"label":"a","resources":[{"type":"TYPE_X","path":"a/b","scopes":[]}]}"#, "resources[0].type"),
        ("resource without path", #"{"label":"a","resources":[{"type":"TYPE_REPO","scopes":[]}]}"#, "resources[0].path"),
        ("resource scopes not strings", #"{"label":"a","resources":[{"type":"TYPE_REPO","path":"a/b","scopes":[1]}]}"#, "resources[0].scopes[0]"),
        ("expires_at not a date-time", #"{"label":"a","expires_at":"next week"}"#, "expires_at"),
        ("body an array", #"[]"#, "non_field_errors"),
    ])
    func createRejectsInvalidBodiesWithValueError(_ label: String, _ body: String, _ field: String) async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let reply = try await client.send("POST", Hub.tokens(mock), body: Array(body.utf8), headers: ["Content-Type": "application/json"])
            #expect(reply.status == 400, "\(label)")
            #expect(reply["/fields"]?[field]?.arrayValue?.isEmpty == false, "\(label): \(reply.text)")
            #expect(reply["/text"]?.stringValue?.isEmpty == false)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func authenticationIsABearerJWT() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let anonymous = TestClient(baseURL: mock.baseURL)
            let none = try await anonymous.get(Hub.tokens(mock))
            #expect(none.status == 401)
            #expect(none["/detail"]?.stringValue != nil)
            #expect(none["/message"]?.stringValue != nil)
            #expect(try await anonymous.get(Hub.tokens(mock), headers: ["Authorization": "Bearer nope"]).status == 401)
            #expect(try await anonymous.get(Hub.tokens(mock), headers: ["Authorization": "Basic \(mock.variables["token"]!)"]).status == 401)
            #expect(try await anonymous.post(Hub.tokens(mock), Hub.body("x")).status == 401)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func unknownOrganizationsRoutesAndMethods() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let otherOrg = try await client.get("/v2/orgs/someoneelse/access-tokens")
            #expect(otherOrg.status == 404)
            #expect(otherOrg["/detail"]?.stringValue != nil)
            #expect(try await client.get("/v2/orgs/\(mock.variables["org"]!.uppercased())/access-tokens").status == 200)
            #expect(try await client.get("/v2/orgs").status == 404)
            #expect(try await client.get("\(Hub.tokens(mock))/").status == 404)
            let wrong = try await client.put("\(Hub.tokens(mock))/\(UUID().uuidString)", [:])
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "GET, PATCH, DELETE")
        }
    }

    @Test func emptyListHasNoLinks() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let reply = try await client.get(Hub.tokens(mock))
            #expect(reply.status == 200)
            #expect(reply["/total"] == 0)
            #expect(reply["/results"] == [])
            #expect(reply["/next"] == JSON.null)
            #expect(reply["/previous"] == JSON.null)
        }
    }

    @Test func pagesOfAnExactMultipleEndWithoutNext() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            var created: [String] = []
            for i in 0..<4 { created.append(try await Hub.create(client, mock, "t\(i)").id) }
            let first = try await client.get("\(Hub.tokens(mock))?page=1&page_size=2")
            #expect(ids(first, "/results") == Array(created[0..<2]))
            #expect(first["/total"] == 4)
            #expect(first["/previous"] == JSON.null)
            let next = try #require(first["/next"]?.stringValue)
            #expect(next == "\(mock.baseURL)\(Hub.tokens(mock))?page=2&page_size=2")
            let second = try await client.get(String(next.dropFirst(mock.baseURL.count)))
            #expect(ids(second, "/results") == Array(created[2..<4]))
            #expect(second["/next"] == JSON.null)
            #expect(second["/previous"]?.stringValue?.hasSuffix("page=1&page_size=2") == true)
        }
    }

    @Test func defaultPageSizeIsTenAndPagesPastTheEndAreEmpty() async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            for i in 0..<11 { try await Hub.create(client, mock, "d\(i)") }
            let first = try await client.get(Hub.tokens(mock))
            #expect(first["/results"]?.arrayValue?.count == 10)
            #expect(first["/next"]?.stringValue?.hasSuffix("page=2&page_size=10") == true)
            let past = try await client.get("\(Hub.tokens(mock))?page=5")
            #expect(past.status == 200)
            #expect(past["/results"] == [])
            #expect(past["/total"] == 11)
            #expect(past["/next"] == JSON.null)
            let huge = try await client.get("\(Hub.tokens(mock))?page=99999999999999&page_size=99999999999999")
            #expect(huge.status == 200)
            #expect(huge["/results"] == [])
            let float = try await client.get("\(Hub.tokens(mock))?page=2.0&page_size=10")
            #expect(float["/results"]?.arrayValue?.count == 1)
        }
    }

    @Test(arguments: ["page=0", "page=-1", "page=abc", "page_size=0", "page_size=1.5", "page=inf"])
    func invalidPagingParametersAre400(_ query: String) async throws {
        try await withMock(.dockerhub) { mock, client async throws in
            let reply = try await client.get("\(Hub.tokens(mock))?\(query)")
            #expect(reply.status == 400)
            #expect(reply["/fields"]?.objectValue?.isEmpty == false)
        }
    }

    @Test func theOrganizationTokenLimitIsEnforced() async throws {
        try await withMock(.dockerhub, configure: { $0.dockerhubTokenLimit = 2 }) { mock, client async throws in
            try await Hub.create(client, mock, "one")
            let (id, _) = try await Hub.create(client, mock, "two")
            let third = try await client.post(Hub.tokens(mock), Hub.body("three"))
            #expect(third.status == 403)
            #expect(mock.tokenCount == 2)
            _ = try await client.delete("\(Hub.tokens(mock))/\(id)")
            #expect(try await client.post(Hub.tokens(mock), Hub.body("three")).status == 201)
        }
    }
}
