import ConformJSON
import ConformMocks
import Foundation
import Testing

/// One test per Docker Hub fault, each showing the behaviour the fault switches on.
@Suite("Docker Hub faults")
struct DockerHubFaultTests {
    static let covered: Set<String> = [
        "secret-on-get", "secret-in-list", "pagination-off-by-one", "duplicate-across-pages", "past-end-error",
        "wrong-total", "next-on-last-page", "auth-ignored", "deleted-still-readable", "wrong-success-status",
        "wrong-field-type", "patch-not-persisted", "deactivated-token-exchanges", "validation-skipped",
    ]

    @Test func everyFaultHasATest() {
        #expect(Set(MockAPI.dockerhub.faults.map(\.name)) == Self.covered)
    }

    @Test func secretOnGet() async throws {
        try await withMock(.dockerhub, faults: ["secret-on-get"]) { mock, client async throws in
            let (id, secret) = try await Hub.create(client, mock, "leaky")
            #expect(try await client.get("\(Hub.tokens(mock))/\(id)")["/token"]?.stringValue == secret)
        }
    }

    @Test func secretInList() async throws {
        try await withMock(.dockerhub, faults: ["secret-in-list"]) { mock, client async throws in
            let (_, secret) = try await Hub.create(client, mock, "leaky")
            #expect(try await client.get(Hub.tokens(mock))["/results/0/token"]?.stringValue == secret)
        }
    }

    @Test func paginationOffByOne() async throws {
        try await withMock(.dockerhub, faults: ["pagination-off-by-one"]) { mock, client async throws in
            for i in 0..<5 { try await Hub.create(client, mock, "t\(i)") }
            var seen: [String] = []
            var path: String? = "\(Hub.tokens(mock))?page=1&page_size=2"
            while let p = path, seen.count < 10 {
                let page = try await client.get(p)
                seen += ids(page, "/results")
                path = page["/next"]?.stringValue.map { String($0.dropFirst(mock.baseURL.count)) }
            }
            #expect(seen.count == 3)
            #expect(Set(seen).count == 3)
        }
    }

    @Test func duplicateAcrossPages() async throws {
        try await withMock(.dockerhub, faults: ["duplicate-across-pages"]) { mock, client async throws in
            for i in 0..<4 { try await Hub.create(client, mock, "t\(i)") }
            let first = ids(try await client.get("\(Hub.tokens(mock))?page=1&page_size=2"), "/results")
            let second = ids(try await client.get("\(Hub.tokens(mock))?page=2&page_size=2"), "/results")
            #expect(first.count == 2 && second.count == 2)
            #expect(first.last == second.first)
        }
    }

    @Test func pastEndError() async throws {
        try await withMock(.dockerhub, faults: ["past-end-error"]) { mock, client async throws in
            try await Hub.create(client, mock, "only")
            let past = try await client.get("\(Hub.tokens(mock))?page=3&page_size=2")
            #expect(past.status == 404)
            #expect(past["/detail"] == "Invalid page.")
        }
    }

    @Test func wrongTotal() async throws {
        try await withMock(.dockerhub, faults: ["wrong-total"]) { mock, client async throws in
            try await Hub.create(client, mock, "one")
            let listed = try await client.get(Hub.tokens(mock))
            #expect(listed["/results"]?.arrayValue?.count == 1)
            #expect(listed["/total"] == 2)
        }
    }

    @Test func nextOnLastPage() async throws {
        try await withMock(.dockerhub, faults: ["next-on-last-page"]) { mock, client async throws in
            try await Hub.create(client, mock, "one")
            let only = try await client.get(Hub.tokens(mock))
            let next = try #require(only["/next"]?.stringValue)
            let beyond = try await client.get(String(next.dropFirst(mock.baseURL.count)))
            #expect(beyond["/results"] == [])
        }
    }

    @Test func authIgnored() async throws {
        try await withMock(.dockerhub, faults: ["auth-ignored"]) { mock, _ async throws in
            let anonymous = TestClient(baseURL: mock.baseURL)
            #expect(try await anonymous.get(Hub.tokens(mock)).status == 200)
            #expect(try await anonymous.post(Hub.tokens(mock), Hub.body("anon"), headers: ["Authorization": "Bearer x"]).status == 201)
        }
    }

    @Test func deletedStillReadable() async throws {
        try await withMock(.dockerhub, faults: ["deleted-still-readable"]) { mock, client async throws in
            let (id, _) = try await Hub.create(client, mock, "zombie")
            let path = "\(Hub.tokens(mock))/\(id)"
            #expect(try await client.delete(path).status == 204)
            let fetched = try await client.get(path)
            #expect(fetched.status == 200)
            #expect(fetched["/id"]?.stringValue == id)
        }
    }

    @Test func wrongSuccessStatus() async throws {
        try await withMock(.dockerhub, faults: ["wrong-success-status"]) { mock, client async throws in
            let created = try await client.post(Hub.tokens(mock), Hub.body("two-hundred"))
            #expect(created.status == 200)
            #expect(created["/token"]?.stringValue?.hasPrefix("dckr_oat_") == true)
        }
    }

    @Test func wrongFieldType() async throws {
        try await withMock(.dockerhub, faults: ["wrong-field-type"]) { mock, client async throws in
            let created = try await client.post(Hub.tokens(mock), Hub.body("stringly"))
            #expect(created["/is_active"] == "true")
        }
    }

    @Test func patchNotPersisted() async throws {
        try await withMock(.dockerhub, faults: ["patch-not-persisted"]) { mock, client async throws in
            let (id, _) = try await Hub.create(client, mock, "before")
            let path = "\(Hub.tokens(mock))/\(id)"
            #expect(try await client.patch(path, ["label": "after"])["/label"] == "after")
            #expect(try await client.get(path)["/label"] == "before")
        }
    }

    @Test func deactivatedTokenExchanges() async throws {
        try await withMock(.dockerhub, faults: ["deactivated-token-exchanges"]) { mock, client async throws in
            let (id, secret) = try await Hub.create(client, mock, "off")
            _ = try await client.patch("\(Hub.tokens(mock))/\(id)", ["is_active": false])
            let exchanged = try await client.post("/v2/auth/token", ["identifier": .string(mock.variables["org"]!), "secret": .string(secret)])
            #expect(exchanged.status == 200)
            #expect(exchanged["/access_token"]?.stringValue != nil)
        }
    }

    @Test func validationSkipped() async throws {
        try await withMock(.dockerhub, faults: ["validation-skipped"]) { mock, client async throws in
            let unlabeled = try await client.post(Hub.tokens(mock), ["resources": [["type": "TYPE_X", "path": "a/b", "scopes": []]]])
            #expect(unlabeled.status == 201)
            #expect(unlabeled["/resources/0/type"] == "TYPE_X")
        }
    }
}
