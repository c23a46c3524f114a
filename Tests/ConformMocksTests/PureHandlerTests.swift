import ConformJSON
@testable import ConformMocks
import Foundation
import Synchronization
import Testing

/// Handlers and helpers without a socket.
@Suite("Pure mock logic")
struct PureHandlerTests {
    @Test func pageWindows() {
        #expect(Paging.window(count: 0, offset: 0, limit: 10) == 0..<0)
        #expect(Paging.window(count: 6, offset: 0, limit: 3) == 0..<3)
        #expect(Paging.window(count: 6, offset: 3, limit: 3) == 3..<6)
        #expect(Paging.window(count: 6, offset: 6, limit: 3) == 6..<6)
        #expect(Paging.window(count: 6, offset: 60, limit: 3) == 6..<6)
        #expect(Paging.window(count: 6, offset: Int.max, limit: Int.max) == 6..<6)
        #expect(Paging.window(count: 6, offset: 2, limit: nil) == 2..<6)
        #expect(Paging.window(count: 6, offset: 0, limit: 0) == 0..<0)
        // Faults.
        #expect(Paging.window(count: 6, offset: 0, limit: 3, offByOne: true) == 0..<2)
        #expect(Paging.window(count: 5, offset: 4, limit: 3, offByOne: true) == 4..<5)
        #expect(Paging.window(count: 6, offset: 3, limit: 3, duplicate: true) == 2..<5)
        #expect(Paging.window(count: 6, offset: 0, limit: 3, duplicate: true) == 0..<3)
    }

    @Test func nonNegativeIntegers() {
        #expect(Paging.nonNegativeInteger("0") == 0)
        #expect(Paging.nonNegativeInteger("042") == 42)
        for bad in ["", "-1", "+1", "1.0", " 1", "1e3", "99999999999999999999"] {
            #expect(Paging.nonNegativeInteger(bad) == nil, "\(bad)")
        }
    }

    @Test func rfc3339ParsesValidDateTimesOnly() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.parse("1970-01-01T01:00:00+01:00") == 0)
        #expect(RFC3339.parse("1969-12-31T23:59:59Z") == -1)
        #expect(RFC3339.parse("2024-02-29T12:00:00.250Z") == 1_709_208_000.25)
        #expect(RFC3339.parse("2024-02-29t12:00:00z") != nil)
        for bad in ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01", "2024-01-01T24:00:00Z",
                    "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100", "tomorrow",
                    "2024-01-01T00:00:00Z ", "2024-04-31T00:00:00Z"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func rfc3339FormatsUTCSeconds() {
        #expect(RFC3339.format(0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(1_709_208_000.9) == "2024-02-29T12:00:00Z")
        #expect(RFC3339.format(-1) == "1969-12-31T23:59:59Z")
        let now = Date().timeIntervalSince1970.rounded(.down)
        #expect(RFC3339.parse(RFC3339.format(now)) == now)
    }

    @Test func requestTargetsSplitAndDecode() {
        let r = MockRequest(method: "GET", target: "/a%20b/c?x=1&y=a%2Bb+c&x=2&&=z&flag")
        #expect(r.path == "/a%20b/c")
        #expect(r.query.map(\.name) == ["x", "y", "x", "flag"])
        #expect(r.queryValue("x") == "1")
        #expect(r.queryValue("y") == "a+b c")
        #expect(r.queryValue("flag") == "")
        #expect(URLText.percentDecoded("100%") == "100%")
        #expect(URLText.percentDecoded("%zz%41") == "%zzA")
        #expect(URLText.percentEncoded("a b/ü") == "a%20b%2F%C3%BC")
        let h = MockRequest(method: "GET", path: "/", headers: [("X-Thing", "1")])
        #expect(h.header("x-thing") == "1")
        #expect(h.header("X-THING") == "1")
        #expect(h.header("other") == nil)
    }

    @Test func ionosNamePattern() {
        for good in ["ab", "a1", "Z-9", "a" + String(repeating: "-", count: 61) + "b"] {
            #expect(IONOSValidation.isValidName(good), "\(good)")
        }
        for bad in ["", "a", "1a", "-a", "a-", "a_b", "a b", "ä1", "a" + String(repeating: "b", count: 63)] {
            #expect(!IONOSValidation.isValidName(bad), "\(bad)")
        }
    }

    @Test func uuidShapes() {
        #expect(MockSupport.isUUID("a7a5ef25-8889-43a0-8cc7-f2a94268e861"))
        #expect(MockSupport.isUUID("A7A5EF25-8889-43A0-8CC7-F2A94268E861"))
        #expect(!MockSupport.isUUID("a7a5ef25-8889-43a0-8cc7-f2a94268e86"))
        #expect(!MockSupport.isUUID("a7a5ef25x8889-43a0-8cc7-f2a94268e861"))
        #expect(!MockSupport.isUUID("g7a5ef25-8889-43a0-8cc7-f2a94268e861"))
    }

    @Test func ionosHandlerWorksWithoutASocket() throws {
        let credentials = IONOSCredentials(registryID: "11111111-2222-3333-4444-555555555555", username: "u",
                                           password: "p", token: "t", userID: "uid")
        let mock = IONOSMock(credentials: credentials, now: { 86_400 })
        let auth = [("Authorization", "Bearer t"), ("Host", "example.test")]
        let created = mock.handle(MockRequest(method: "POST", target: "/registries/\(credentials.registryID)/tokens",
                                              headers: auth, body: Array(#"{"properties":{"name":"abc"}}"#.utf8)))
        #expect(created.status == 201)
        let id = try #require(created.jsonBody?["id"]?.stringValue)
        #expect(created.header("location") == "http://example.test/registries/\(credentials.registryID)/tokens/\(id)")
        #expect(created.jsonBody?["metadata"]?["createdDate"] == "1970-01-02T00:00:00Z")
        #expect(created.jsonBody?["metadata"]?["createdByUserId"] == "uid")
        // Without a Host header the fallback base URL is used in links.
        mock.setFallbackBaseURL("http://fallback:1")
        let listed = mock.handle(MockRequest(method: "GET", target: "/registries/\(credentials.registryID)/tokens?limit=1",
                                             headers: [("Authorization", "Bearer t")]))
        #expect(listed.jsonBody?["_links"]?["self"]?.stringValue?.hasPrefix("http://fallback:1/registries/") == true)
        #expect(mock.liveTokenNames == ["abc"])
    }

    @Test func dockerHubJWTsExpireAfterTenMinutes() throws {
        let clock = Mutex(1_000_000.0)
        let credentials = DockerHubCredentials(org: "acme", identifier: "owner", secret: "dckr_pat_x", jwt: "startup")
        let mock = DockerHubMock(credentials: credentials, now: { clock.withLock { $0 } })
        let exchanged = mock.handle(MockRequest(method: "POST", path: "/v2/auth/token",
                                                body: Array(#"{"identifier":"OWNER","secret":"dckr_pat_x"}"#.utf8)))
        #expect(exchanged.status == 200)
        let jwt = try #require(exchanged.jsonBody?["access_token"]?.stringValue)
        // The payload carries iat/exp ten minutes apart.
        var payload = String(jwt.split(separator: ".")[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let claims = try JSONParser.value(Array(try #require(Data(base64Encoded: payload))))
        #expect(claims["sub"] == "OWNER")
        #expect(claims["exp"] == .number(1_000_600))
        func list(_ token: String) -> Int {
            mock.handle(MockRequest(method: "GET", path: "/v2/orgs/acme/access-tokens", headers: [("Authorization", "Bearer \(token)")])).status
        }
        #expect(list(jwt) == 200)
        clock.withLock { $0 += 599 }
        #expect(list(jwt) == 200)
        clock.withLock { $0 += 2 }
        #expect(list(jwt) == 401)
        // The announced start-up JWT lasts as long as the mock.
        #expect(list("startup") == 200)
    }

    @Test func dockerHubTokensExpireOnTheirDate() throws {
        let clock = Mutex(RFC3339.parse("2030-01-01T00:00:00Z")!)
        let credentials = DockerHubCredentials(org: "acme", identifier: "owner", secret: "pat", jwt: "startup")
        let mock = DockerHubMock(credentials: credentials, now: { clock.withLock { $0 } })
        let auth = [("Authorization", "Bearer startup")]
        let created = mock.handle(MockRequest(method: "POST", path: "/v2/orgs/acme/access-tokens", headers: auth,
                                              body: Array(#"{"label":"l","expires_at":"2030-01-01T01:00:00+01:00"}"#.utf8)))
        #expect(created.status == 201)
        #expect(created.jsonBody?["expires_at"] == "2030-01-01T00:00:00Z")
        let id = try #require(created.jsonBody?["id"]?.stringValue)
        let secret = try #require(created.jsonBody?["token"]?.stringValue)
        let exchange = MockRequest(method: "POST", path: "/v2/auth/token",
                                   body: Array(#"{"identifier":"acme","secret":"\#(secret)"}"#.utf8))
        #expect(mock.handle(exchange).status == 401)  // expires exactly now
        clock.withLock { $0 -= 1 }
        #expect(mock.handle(exchange).status == 200)
        let patch = MockRequest(method: "PATCH", path: "/v2/orgs/acme/access-tokens/\(id)", headers: auth,
                                body: Array(#"{"label":"m"}"#.utf8))
        #expect(mock.handle(patch).status == 200)
        clock.withLock { $0 += 10 }
        #expect(mock.handle(patch).status == 403)
    }

    @Test func xmsRoutesColonActionsWithoutNormalising() throws {
        let mock = XMSMock(credentials: XMSCredentials(token: "s"))
        func send(_ method: String, _ target: String, _ body: String = "") -> MockResponse {
            mock.handle(MockRequest(method: method, target: target, headers: [("Xms-Auth-Token", "s")], body: Array(body.utf8)))
        }
        let created = send("POST", "/access-tokens/", #"{"access_token":{"name":"n","roles":[]}}"#)
        #expect(created.status == 201)
        let uuid = try #require(created.jsonBody?["access_token"]?["uuid"]?.stringValue)
        #expect(send("POST", "/access-tokens:validate?subject_access_token=\(uuid)").status == 200)
        #expect(send("POST", "/access-tokens/:validate?subject_access_token=\(uuid)").status == 405)
        #expect(send("POST", "/access-tokens/1:regenerate").status == 200)
        #expect(send("POST", "/access-tokens/1%3Aregenerate").status == 405)
        #expect(send("POST", "/access-tokens//1:regenerate").status == 404)
        #expect(send("GET", "/access-tokens").status == 404)
    }
}
