import ConformJSON
import ConformMocks
import Foundation
import Testing

/// The public surface the CLI uses: fault catalogue, configuration checks, announcement.
@Suite("Mock catalogue and start-up")
struct MockCatalogTests {
    @Test(arguments: MockAPI.allCases)
    func faultsHaveKebabNamesAndOneLineSummaries(_ api: MockAPI) {
        let faults = api.faults
        #expect(faults.count >= 10)
        #expect(Set(faults.map(\.name)).count == faults.count)
        for fault in faults {
            #expect(fault.api == api)
            #expect(fault.name.allSatisfy { $0.isLowercase || $0 == "-" }, "\(fault.name)")
            #expect(!fault.name.hasPrefix("-") && !fault.name.hasSuffix("-") && !fault.name.contains("--"))
            #expect(!fault.summary.isEmpty && !fault.summary.contains("\n"))
            #expect(api.fault(named: fault.name) == fault)
        }
        #expect(api.fault(named: "no-such-fault") == nil)
    }

    @Test func theCommonFaultsExistForEveryAPI() {
        for api in MockAPI.allCases {
            for name in ["secret-on-get", "secret-in-list", "pagination-off-by-one", "duplicate-across-pages",
                         "auth-ignored", "deleted-still-readable", "wrong-success-status", "wrong-field-type",
                         "patch-not-persisted", "past-end-error"] {
                #expect(api.fault(named: name) != nil, "\(api) \(name)")
            }
        }
    }

    @Test func unknownFaultsAreRefusedWithTheValidNames() async throws {
        let error = await #expect(throws: MockError.self) {
            _ = try await MockServers.start(MockConfiguration(api: .xms, faults: ["secret-on-get", "bogus", "also-bogus"]))
        }
        guard case let .unknownFaults(api, names, valid)? = error else {
            Issue.record("wrong error \(String(describing: error))")
            return
        }
        #expect(api == .xms)
        #expect(names == ["also-bogus", "bogus"])
        #expect(valid == MockAPI.xms.faults.map(\.name))
        let text = String(describing: error!)
        #expect(text.contains("bogus"))
        #expect(text.contains("regenerate-keeps-old-secret"))
    }

    @Test func aFaultOfAnotherAPIIsUnknown() async throws {
        await #expect(throws: MockError.self) {
            _ = try await MockServers.start(MockConfiguration(api: .ionos, faults: ["list-not-wrapped"]))
        }
    }

    @Test func fixedVariablesAreCheckedAndUsed() async throws {
        await #expect(throws: MockError.unknownVariables(api: .xms, names: ["org"], valid: ["token"])) {
            _ = try await MockServers.start(MockConfiguration(api: .xms, fixedVariables: ["org": "x"]))
        }
        await #expect(throws: MockError.self) {
            _ = try await MockServers.start(MockConfiguration(api: .ionos, fixedVariables: ["registry_id": "nope"]))
        }
        await #expect(throws: MockError.self) {
            _ = try await MockServers.start(MockConfiguration(api: .dockerhub, fixedVariables: ["token": ""]))
        }
        let fixed = ["registry_id": "11111111-2222-3333-4444-555555555555", "username": "me@example.com",
                     "password": "pw", "token": "tkn"]
        try await withMock(.ionos, fixed: fixed) { mock, client async throws in
            #expect(mock.variables == fixed)
            let basic = "Basic " + Data("me@example.com:pw".utf8).base64EncodedString()
            #expect(try await client.get(IONOS.tokens(mock), headers: ["Authorization": basic]).status == 200)
            #expect(try await client.get(IONOS.tokens(mock), headers: ["Authorization": "Bearer tkn"]).status == 200)
        }
    }

    @Test(arguments: MockAPI.allCases)
    func credentialsAreRandomPerStartAndNamedAsDocumented(_ api: MockAPI) async throws {
        let a = try await withMock(api) { mock, _ async throws in mock.variables }
        let b = try await withMock(api) { mock, _ async throws in mock.variables }
        #expect(Set(a.keys) == Set(api.variableNames))
        for name in api.variableNames {
            #expect(a[name] != b[name], "\(name)")
            #expect(a[name]?.isEmpty == false)
        }
    }

    @Test func variableNamesAreExactlyTheAgreedOnes() {
        #expect(MockAPI.ionos.variableNames == ["registry_id", "username", "password", "token"])
        #expect(MockAPI.dockerhub.variableNames == ["org", "token", "identifier", "secret"])
        #expect(MockAPI.xms.variableNames == ["token"])
    }

    @Test(arguments: MockAPI.allCases)
    func theAnnouncementIsOneLineOfJSON(_ api: MockAPI) async throws {
        try await withMock(api, faults: [api.faults[0].name]) { mock, _ async throws in
            let line = mock.announcement
            #expect(!line.contains("\n"))
            let json = try JSONParser.value(Array(line.utf8))
            #expect(json["api"] == .string(api.rawValue))
            #expect(json["base_url"] == .string(mock.baseURL))
            #expect(mock.baseURL == "http://127.0.0.1:\(mock.port)")
            #expect(json["vars"]?.objectValue?.keys.elementsEqual(api.variableNames) == true)
            for (name, value) in mock.variables { #expect(json["vars"]?[name] == .string(value)) }
            #expect(mock.faults == [api.faults[0]])
        }
    }

    @Test func tokenCountAndNamesFollowTheStore() async throws {
        try await withMock(.ionos) { mock, client async throws in
            #expect(mock.tokenCount == 0)
            let a = try await IONOS.create(client, mock, "first")
            try await IONOS.create(client, mock, "second")
            #expect(mock.tokenNames == ["first", "second"])
            _ = try await client.delete("\(IONOS.tokens(mock))/\(a)")
            #expect(mock.tokenCount == 1)
            #expect(mock.tokenNames == ["second"])
        }
        try await withMock(.dockerhub) { mock, client async throws in
            try await Hub.create(client, mock, "label-one")
            #expect(mock.tokenNames == ["label-one"])
        }
        try await withMock(.xms) { mock, client async throws in
            try await XMS.create(client, "xms-one")
            #expect(mock.tokenNames == ["xms-one"])
        }
    }

    @Test func respondAnswersWithoutASocketLikeTheServer() async throws {
        try await withMock(.xms) { mock, client async throws in
            let direct = mock.respond(to: MockRequest(method: "GET", target: "/access-tokens/",
                                                      headers: [("Xms-Auth-Token", mock.variables["token"]!)]))
            #expect(direct.status == 200)
            let wire = try await client.get(XMS.collection)
            #expect(direct.jsonBody == wire.json)
        }
    }

    @Test func aFixedPortIsUsed() async throws {
        // Find a free port by binding 0, release it, then ask for it explicitly.
        let probe = try await MockServers.start(MockConfiguration(api: .xms, threads: 1))
        let port = probe.port
        try await probe.shutdown()
        try await withMock(.xms, configure: { $0.port = port }) { mock, _ async throws in
            #expect(mock.port == port)
            #expect(mock.baseURL.hasSuffix(":\(port)"))
        }
    }
}
