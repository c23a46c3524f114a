import ConformJSON
import ConformMocks
import Foundation
import Testing

/// One test per IONOS fault, each showing the behaviour the fault switches on.
@Suite("IONOS faults")
struct IONOSFaultTests {
    static let covered: Set<String> = [
        "secret-on-get", "secret-in-list", "secret-on-patch", "put-replace-returns-password", "put-replace-renames",
        "patch-not-persisted", "pagination-off-by-one", "duplicate-across-pages", "past-end-error", "wrong-total",
        "auth-ignored", "deleted-still-readable", "wrong-success-status", "wrong-field-type", "validation-skipped",
        "missing-location",
    ]

    @Test func everyFaultHasATest() {
        #expect(Set(MockAPI.ionos.faults.map(\.name)) == Self.covered)
    }

    /// Creates a token and returns (id, password).
    private func create(_ client: TestClient, _ mock: RunningMock, _ name: String) async throws -> (String, String) {
        let reply = try await client.post(IONOS.tokens(mock), IONOS.body(name))
        let id = try #require(reply["/id"]?.stringValue)
        let password = try #require(reply["/properties/credentials/password"]?.stringValue)
        return (id, password)
    }

    @Test func secretOnGet() async throws {
        try await withMock(.ionos, faults: ["secret-on-get"]) { mock, client async throws in
            let (id, password) = try await create(client, mock, "leaky")
            let fetched = try await client.get("\(IONOS.tokens(mock))/\(id)")
            #expect(fetched["/properties/credentials/password"]?.stringValue == password)
        }
    }

    @Test func secretInList() async throws {
        try await withMock(.ionos, faults: ["secret-in-list"]) { mock, client async throws in
            let (_, password) = try await create(client, mock, "leaky")
            let listed = try await client.get(IONOS.tokens(mock))
            #expect(listed["/items/0/properties/credentials/password"]?.stringValue == password)
        }
    }

    @Test func secretOnPatch() async throws {
        try await withMock(.ionos, faults: ["secret-on-patch"]) { mock, client async throws in
            let (id, password) = try await create(client, mock, "leaky")
            let patched = try await client.patch("\(IONOS.tokens(mock))/\(id)", ["status": "disabled"])
            #expect(patched.status == 200)
            #expect(patched["/properties/credentials/password"]?.stringValue == password)
        }
    }

    @Test func putReplaceReturnsPassword() async throws {
        try await withMock(.ionos, faults: ["put-replace-returns-password"]) { mock, client async throws in
            let path = "\(IONOS.tokens(mock))/\(UUID().uuidString.lowercased())"
            let created = try await client.put(path, IONOS.body("put-me"))
            let password = try #require(created["/properties/credentials/password"]?.stringValue)
            let replaced = try await client.put(path, IONOS.body("put-me", status: "disabled"))
            #expect(replaced.status == 200)
            #expect(replaced["/properties/credentials/password"]?.stringValue == password)
        }
    }

    @Test func putReplaceRenames() async throws {
        try await withMock(.ionos, faults: ["put-replace-renames"]) { mock, client async throws in
            let path = "\(IONOS.tokens(mock))/\(UUID().uuidString.lowercased())"
            _ = try await client.put(path, IONOS.body("first-name"))
            let replaced = try await client.put(path, IONOS.body("second-name"))
            #expect(replaced["/properties/name"] == "second-name")
            #expect(try await client.get(path)["/properties/name"] == "second-name")
        }
    }

    @Test func patchNotPersisted() async throws {
        try await withMock(.ionos, faults: ["patch-not-persisted"]) { mock, client async throws in
            let (id, _) = try await create(client, mock, "sticky")
            let path = "\(IONOS.tokens(mock))/\(id)"
            let patched = try await client.patch(path, ["status": "disabled"])
            #expect(patched["/properties/status"] == "disabled")
            #expect(try await client.get(path)["/properties/status"] == "enabled")
        }
    }

    @Test func paginationOffByOne() async throws {
        try await withMock(.ionos, faults: ["pagination-off-by-one"]) { mock, client async throws in
            var created: Set<String> = []
            for i in 0..<5 { created.insert(try await create(client, mock, "t\(i)").0) }
            var seen: [String] = []
            for offset in stride(from: 0, to: 5, by: 2) {
                let page = try await client.get("\(IONOS.tokens(mock))?offset=\(offset)&limit=2")
                seen += ids(page, "/items")
            }
            #expect(seen.count == 3)
            #expect(Set(seen).isSubset(of: created))
            #expect(try await client.get("\(IONOS.tokens(mock))?offset=0&limit=2")["/count"] == 1)
        }
    }

    @Test func duplicateAcrossPages() async throws {
        try await withMock(.ionos, faults: ["duplicate-across-pages"]) { mock, client async throws in
            for i in 0..<4 { _ = try await create(client, mock, "t\(i)") }
            let first = ids(try await client.get("\(IONOS.tokens(mock))?offset=0&limit=2"), "/items")
            let second = ids(try await client.get("\(IONOS.tokens(mock))?offset=2&limit=2"), "/items")
            #expect(first.count == 2 && second.count == 2)
            #expect(first.last == second.first)
        }
    }

    @Test func pastEndError() async throws {
        try await withMock(.ionos, faults: ["past-end-error"]) { mock, client async throws in
            _ = try await create(client, mock, "only")
            let past = try await client.get("\(IONOS.tokens(mock))?offset=5&limit=2")
            #expect(past.status == 400)
            #expect(try await client.get(IONOS.tokens(mock)).status == 200)
        }
    }

    @Test func wrongTotal() async throws {
        try await withMock(.ionos, faults: ["wrong-total"]) { mock, client async throws in
            for i in 0..<2 { _ = try await create(client, mock, "t\(i)") }
            let listed = try await client.get(IONOS.tokens(mock))
            #expect(listed["/count"] == 2)
            #expect(listed["/total"] == 3)
        }
    }

    @Test func authIgnored() async throws {
        try await withMock(.ionos, faults: ["auth-ignored"]) { mock, _ async throws in
            let anonymous = TestClient(baseURL: mock.baseURL)
            #expect(try await anonymous.get(IONOS.tokens(mock)).status == 200)
            let wrong = try await anonymous.post(IONOS.tokens(mock), IONOS.body("anon"), headers: ["Authorization": "Bearer wrong"])
            #expect(wrong.status == 201)
        }
    }

    @Test func deletedStillReadable() async throws {
        try await withMock(.ionos, faults: ["deleted-still-readable"]) { mock, client async throws in
            let (id, _) = try await create(client, mock, "zombie")
            let path = "\(IONOS.tokens(mock))/\(id)"
            #expect(try await client.delete(path).status == 204)
            let fetched = try await client.get(path)
            #expect(fetched.status == 200)
            #expect(fetched["/id"]?.stringValue == id)
            #expect(mock.tokenCount == 0)
        }
    }

    @Test func wrongSuccessStatus() async throws {
        try await withMock(.ionos, faults: ["wrong-success-status"]) { mock, client async throws in
            let created = try await client.post(IONOS.tokens(mock), IONOS.body("two-hundred"))
            #expect(created.status == 200)
            #expect(created["/properties/name"] == "two-hundred")
        }
    }

    @Test func wrongFieldType() async throws {
        try await withMock(.ionos, faults: ["wrong-field-type"]) { mock, client async throws in
            let listed = try await client.get("\(IONOS.tokens(mock))?offset=0&limit=7")
            #expect(listed["/limit"] == "7")
            #expect(listed["/offset"] == "0")
        }
    }

    @Test func validationSkipped() async throws {
        try await withMock(.ionos, faults: ["validation-skipped"]) { mock, client async throws in
            let badName = try await client.post(IONOS.tokens(mock), IONOS.body("1_bad_name"))
            #expect(badName.status == 201)
            let badStatus = try await client.post(IONOS.tokens(mock), IONOS.body("ok-name", status: "paused"))
            #expect(badStatus.status == 201)
            #expect(badStatus["/properties/status"] == "paused")
        }
    }

    @Test func missingLocation() async throws {
        try await withMock(.ionos, faults: ["missing-location"]) { mock, client async throws in
            let created = try await client.post(IONOS.tokens(mock), IONOS.body("nowhere"))
            #expect(created.status == 201)
            #expect(created.headers["location"] == nil)
        }
    }
}
