import ConformJSON
import ConformMocks
import Foundation
import Testing

@Suite("IONOS mock over HTTP")
struct IONOSMockTests {
    @Test func createReturnsThePasswordOnceWithLocation() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let created = try await client.post(IONOS.tokens(mock), IONOS.body("push-token"))
            #expect(created.status == 201)
            let id = try #require(created["/id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil)
            #expect(created.headers["location"] == "\(mock.baseURL)\(IONOS.tokens(mock))/\(id)")
            #expect(created.headers["content-type"] == "application/json")
            let password = try #require(created["/properties/credentials/password"]?.stringValue)
            #expect(password.count >= 16)
            #expect(created["/properties/credentials/username"] == "push-token")
            #expect(created["/properties/name"] == "push-token")
            #expect(created["/properties/status"] == "enabled")
            #expect(created["/type"] == "token")
            #expect(created["/metadata/createdBy"]?.stringValue == mock.variables["username"])
            #expect(created["/metadata/createdDate"]?.stringValue?.hasSuffix("Z") == true)
            #expect(created["/properties/scopes/0/actions"] == ["pull"])

            let fetched = try await client.get("\(IONOS.tokens(mock))/\(id)")
            #expect(fetched.status == 200)
            #expect(fetched["/properties/credentials/password"] == "")
            #expect(!fetched.text.contains(password))
            let listed = try await client.get(IONOS.tokens(mock))
            #expect(listed["/items/0/id"]?.stringValue == id)
            #expect(!listed.text.contains(password))
        }
    }

    @Test func getOfAnUnknownTokenIs404WithApiErrorResponse() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let reply = try await client.get("\(IONOS.tokens(mock))/\(UUID().uuidString.lowercased())")
            #expect(reply.status == 404)
            #expect(reply["/httpStatus"] == 404)
            #expect(reply["/messages/0/errorCode"]?.stringValue != nil)
            #expect(reply["/messages/0/message"]?.stringValue != nil)
        }
    }

    @Test func patchChangesStatusExpiryAndScopesAndKeepsTheName() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let id = try await IONOS.create(client, mock, "ci-token")
            let path = "\(IONOS.tokens(mock))/\(id)"
            let patched = try await client.patch(path, [
                "status": "disabled", "expiryDate": "2031-01-02T03:04:05Z", "name": "renamed",
                "scopes": [["actions": ["push"], "name": "app", "type": "repository"]],
            ])
            #expect(patched.status == 200)
            #expect(patched["/properties/status"] == "disabled")
            #expect(patched["/properties/credentials/password"] == "")
            let fetched = try await client.get(path)
            #expect(fetched["/properties/status"] == "disabled")
            #expect(fetched["/properties/expiryDate"] == "2031-01-02T03:04:05Z")
            #expect(fetched["/properties/scopes/0/name"] == "app")
            #expect(fetched["/properties/name"] == "ci-token")
            #expect(fetched["/metadata/lastModifiedDate"]?.stringValue != nil)

            let cleared = try await client.patch(path, ["expiryDate": nil])
            #expect(cleared["/properties/expiryDate"] == JSON.null)
            let invalid = try await client.patch(path, ["status": "paused"])
            #expect(invalid.status == 400)
            let missing = try await client.patch("\(IONOS.tokens(mock))/\(UUID().uuidString)", ["status": "enabled"])
            #expect(missing.status == 404)
        }
    }

    @Test func putCreatesWithPasswordThenReplacesWithoutPasswordOrRename() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let id = UUID().uuidString.lowercased()
            let path = "\(IONOS.tokens(mock))/\(id)"
            let created = try await client.put(path, IONOS.body("put-token"))
            #expect(created.status == 201)
            #expect(created["/id"]?.stringValue == id)
            #expect(created.headers["location"]?.hasSuffix("/tokens/\(id)") == true)
            let password = try #require(created["/properties/credentials/password"]?.stringValue)
            #expect(!password.isEmpty)

            let replaced = try await client.put(path, IONOS.body("other-name", status: "disabled", expiry: "2030-06-01T00:00:00+02:00"))
            #expect(replaced.status == 200)
            #expect(replaced["/properties/credentials/password"] == "")
            #expect(!replaced.text.contains(password))
            #expect(replaced["/properties/name"] == "put-token")
            #expect(replaced["/properties/status"] == "disabled")
            let fetched = try await client.get(path)
            #expect(fetched["/properties/name"] == "put-token")
            #expect(fetched["/properties/expiryDate"] == "2030-06-01T00:00:00+02:00")
            #expect(mock.tokenNames == ["put-token"])
        }
    }

    @Test func deleteAnswers204ThenTheTokenIsGone() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let id = try await IONOS.create(client, mock, "to-delete")
            let path = "\(IONOS.tokens(mock))/\(id)"
            try await expectDeletedOnce(client, path)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test(arguments: [
        ("missing properties", #"{}"#),
        ("properties not an object", #"{"properties":"x"}"#),
        ("missing name", #"{"properties":{}}"#),
        ("name not a string", #"{"properties":{"name":42}}"#),
        ("name starts with a digit", #"{"properties":{"name":"1abc"}}"#),
        ("name of one character", #"{"properties":{"name":"a"}}"#),
        ("name ends with a dash", #"{"properties":{"name":"abc-"}}"#),
        ("name with underscore", #"{"properties":{"name":"ab_c"}}"#),
        ("name of 64 characters", #"{"properties":{"name":"a\#(String(repeating: "b", count: 63))"}}"#),
        ("status outside the enum", #"{"properties":{"name":"ok","status":"on"}}"#),
        ("expiryDate not a date-time", #"{"properties":{"name":"ok","expiryDate":"tomorrow"}}"#),
        ("expiryDate a number", #"{"properties":{"name":"ok","expiryDate":5}}"#),
        ("scope without actions", #"{"properties":{"name":"ok","scopes":[{"name":"*","type":"repository"}]}}"#),
        ("scope actions not strings", #"{"properties":{"name":"ok","scopes":[{"actions":[1],"name":"*","type":"repository"}]}}"#),
        ("scopes an object", #"{"properties":{"name":"ok","scopes":{}}}"#),
        ("body not JSON", #"{"properties":"#),
        ("body an array", #"[]"#),
    ])
    func createRejectsInvalidBodiesWith400(_ label: String, _ body: String) async throws {
        try await withMock(.ionos) { mock, client async throws in
            let reply = try await client.send("POST", IONOS.tokens(mock), body: Array(body.utf8),
                                              headers: ["Content-Type": "application/json"])
            #expect(reply.status == 400, "\(label)")
            #expect(reply["/httpStatus"] == 400)
            #expect((reply["/messages"]?.arrayValue?.count ?? 0) >= 1)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func validNamesAtTheEdgesOfThePatternAreAccepted() async throws {
        try await withMock(.ionos) { mock, client async throws in
            for name in ["ab", "A9", "a-b", "x" + String(repeating: "-", count: 61) + "y"] {
                let reply = try await client.post(IONOS.tokens(mock), IONOS.body(name))
                #expect(reply.status == 201, "\(name)")
            }
        }
    }

    @Test func pathParametersAreValidatedAndUnknownRegistriesAre404() async throws {
        try await withMock(.ionos) { mock, client async throws in
            #expect(try await client.get("/registries/not-a-uuid/tokens").status == 400)
            #expect(try await client.get("\(IONOS.tokens(mock))/not-a-uuid").status == 400)
            #expect(try await client.put("\(IONOS.tokens(mock))/xyz", IONOS.body("abc")).status == 400)
            let other = try await client.get("/registries/\(UUID().uuidString)/tokens")
            #expect(other.status == 404)
            let upper = try await client.get("/registries/\(mock.variables["registry_id"]!.uppercased())/tokens")
            #expect(upper.status == 200)
        }
    }

    @Test func duplicateNamesConflict() async throws {
        try await withMock(.ionos) { mock, client async throws in
            try await IONOS.create(client, mock, "dup")
            let again = try await client.post(IONOS.tokens(mock), IONOS.body("dup"))
            #expect(again.status == 409)
            #expect(again["/httpStatus"] == 409)
            let viaPut = try await client.put("\(IONOS.tokens(mock))/\(UUID().uuidString)", IONOS.body("dup"))
            #expect(viaPut.status == 409)
        }
    }

    @Test func authenticationAcceptsBasicOrBearerAndRejectsTheRest() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let path = IONOS.tokens(mock)
            let anonymous = TestClient(baseURL: mock.baseURL)
            let none = try await anonymous.get(path)
            #expect(none.status == 401)
            #expect(none["/httpStatus"] == 401)
            #expect(none.headers["www-authenticate"]?.hasPrefix("Basic") == true)
            #expect(try await anonymous.get(path, headers: ["Authorization": "Bearer wrong"]).status == 401)
            let user = mock.variables["username"]!, password = mock.variables["password"]!
            func basic(_ u: String, _ p: String) -> String { "Basic " + Data("\(u):\(p)".utf8).base64EncodedString() }
            #expect(try await anonymous.get(path, headers: ["Authorization": basic(user, "wrong")]).status == 401)
            #expect(try await anonymous.get(path, headers: ["Authorization": basic("wrong", password)]).status == 401)
            #expect(try await anonymous.get(path, headers: ["Authorization": "Basic !!!"]).status == 401)
            #expect(try await anonymous.get(path, headers: ["Authorization": basic(user, password)]).status == 200)
            #expect(try await client.get(path).status == 200)
            // Creation is refused too, and nothing is stored.
            #expect(try await anonymous.post(path, IONOS.body("nope")).status == 401)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func emptyListHasZeroCountsAndEmptyLinks() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let reply = try await client.get(IONOS.tokens(mock))
            #expect(reply.status == 200)
            #expect(reply["/items"] == [])
            #expect(reply["/count"] == 0)
            #expect(reply["/total"] == 0)
            #expect(reply["/offset"] == 0)
            #expect(reply["/limit"] == 100)
            #expect(reply["/_links/next"] == "")
            #expect(reply["/_links/previous"] == "")
            #expect(reply["/_links/self"]?.stringValue?.contains("offset=0&limit=100") == true)
        }
    }

    @Test func pagesOfAnExactMultipleEndWithoutANextLink() async throws {
        try await withMock(.ionos) { mock, client async throws in
            var created: [String] = []
            for i in 0..<6 { created.append(try await IONOS.create(client, mock, "tok-\(i)")) }
            let first = try await client.get("\(IONOS.tokens(mock))?offset=0&limit=3")
            #expect(ids(first, "/items") == Array(created[0..<3]))
            #expect(first["/count"] == 3)
            #expect(first["/total"] == 6)
            let next = try #require(first["/_links/next"]?.stringValue)
            #expect(next.hasPrefix(mock.baseURL))
            let second = try await client.get(String(next.dropFirst(mock.baseURL.count)))
            #expect(ids(second, "/items") == Array(created[3..<6]))
            #expect(second["/offset"] == 3)
            #expect(second["/_links/next"] == "")
            #expect(second["/_links/previous"]?.stringValue?.contains("offset=0&limit=3") == true)
        }
    }

    @Test func walkingNextLinksVisitsEveryTokenOnce() async throws {
        try await withMock(.ionos) { mock, client async throws in
            var created: [String] = []
            for i in 0..<7 { created.append(try await IONOS.create(client, mock, "walk-\(i)")) }
            var seen: [String] = []
            var path = "\(IONOS.tokens(mock))?limit=2"
            for _ in 0..<10 {
                let page = try await client.get(path)
                seen += ids(page, "/items")
                guard let next = page["/_links/next"]?.stringValue, !next.isEmpty else { break }
                path = String(next.dropFirst(mock.baseURL.count))
            }
            #expect(seen == created)
        }
    }

    @Test func aPagePastTheEndIsEmpty() async throws {
        try await withMock(.ionos) { mock, client async throws in
            for i in 0..<2 { try await IONOS.create(client, mock, "p-\(i)") }
            let reply = try await client.get("\(IONOS.tokens(mock))?offset=5&limit=2")
            #expect(reply.status == 200)
            #expect(reply["/items"] == [])
            #expect(reply["/count"] == 0)
            #expect(reply["/total"] == 2)
            #expect(reply["/_links/next"] == "")
            let huge = try await client.get("\(IONOS.tokens(mock))?offset=\(Int.max)&limit=\(Int.max)")
            #expect(huge.status == 200)
            #expect(huge["/items"] == [])
            let wide = try await client.get("\(IONOS.tokens(mock))?offset=1&limit=\(Int.max)")
            #expect(wide["/count"] == 1)
            #expect(wide["/_links/next"] == "")
        }
    }

    @Test(arguments: ["offset=-1", "offset=abc", "limit=1.5", "limit=", "offset=99999999999999999999999"])
    func invalidPagingParametersAre400(_ query: String) async throws {
        try await withMock(.ionos) { mock, client async throws in
            let reply = try await client.get("\(IONOS.tokens(mock))?\(query)")
            #expect(reply.status == 400)
            #expect(reply["/httpStatus"] == 400)
        }
    }

    @Test func unknownRoutesAre404AndWrongMethods405() async throws {
        try await withMock(.ionos) { mock, client async throws in
            let unknown = try await client.get("/registries")
            #expect(unknown.status == 404)
            #expect(unknown["/httpStatus"] == 404)
            #expect(try await client.get("\(IONOS.tokens(mock))/").status == 404)
            let wrong = try await client.send("DELETE", IONOS.tokens(mock))
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "GET, POST")
            let wrongItem = try await client.post("\(IONOS.tokens(mock))/\(UUID().uuidString)", [:])
            #expect(wrongItem.status == 405)
            #expect(wrongItem.headers["allow"] == "GET, PATCH, PUT, DELETE")
        }
    }
}
