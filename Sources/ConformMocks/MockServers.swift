/// Starts mock servers.
public enum MockServers {
    /// Validates the configuration, builds the API's mock and starts serving it.
    public static func start(_ config: MockConfiguration) async throws -> RunningMock {
        let (service, faults) = try makeService(config)
        let server = try await MockHTTPServer.start(host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes,
                                                    threads: config.threads, handler: { service.handle($0) })
        service.setFallbackBaseURL(server.baseURL)
        return RunningMock(api: config.api, faults: faults, service: service, server: server)
    }

    /// The API's mock for a configuration, unstarted.
    static func makeService(_ config: MockConfiguration) throws -> (any MockService, [MockFault]) {
        let api = config.api
        let valid = api.faults.map(\.name)
        let unknown = config.faults.filter { !valid.contains($0) }.sorted()
        guard unknown.isEmpty else { throw MockError.unknownFaults(api: api, names: unknown, valid: valid) }
        let unknownVariables = config.fixedVariables.keys.filter { !api.variableNames.contains($0) }.sorted()
        guard unknownVariables.isEmpty else {
            throw MockError.unknownVariables(api: api, names: unknownVariables, valid: api.variableNames)
        }
        let faults = api.faults.filter { config.faults.contains($0.name) }
        let fixed = config.fixedVariables
        for (name, value) in fixed where value.isEmpty {
            throw MockError.invalidVariable(name: name, reason: "must not be empty")
        }
        switch api {
        case .ionos:
            var c = IONOSMock.randomCredentials()
            if let v = fixed["registry_id"] {
                guard MockSupport.isUUID(v) else { throw MockError.invalidVariable(name: "registry_id", reason: "must be a UUID") }
                c.registryID = v
            }
            if let v = fixed["username"] {
                guard !v.contains(":") else { throw MockError.invalidVariable(name: "username", reason: "must not contain ':'") }
                c.username = v
            }
            if let v = fixed["password"] { c.password = v }
            if let v = fixed["token"] { c.token = v }
            let set = Set(config.faults.compactMap(IONOSFault.init(rawValue:)))
            return (IONOSMock(credentials: c, faults: set), faults)
        case .dockerhub:
            var c = DockerHubMock.randomCredentials()
            if let v = fixed["org"] { c.org = v }
            if let v = fixed["identifier"] { c.identifier = v }
            if let v = fixed["secret"] { c.secret = v }
            if let v = fixed["token"] { c.jwt = v }
            let set = Set(config.faults.compactMap(DockerHubFault.init(rawValue:)))
            return (DockerHubMock(credentials: c, faults: set, tokenLimit: config.dockerhubTokenLimit), faults)
        case .xms:
            var c = XMSMock.randomCredentials()
            if let v = fixed["token"] { c.token = v }
            let set = Set(config.faults.compactMap(XMSFault.init(rawValue:)))
            return (XMSMock(credentials: c, faults: set), faults)
        }
    }
}
