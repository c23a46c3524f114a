import ArgumentParser
import ConformMocks
import Foundation

struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Run a built-in mock of one API in the foreground.",
        discussion: """
            Prints one JSON line on stdout with the base URL and the variables a scenario needs, e.g.
            {"api":"dockerhub","base_url":"http://127.0.0.1:41234","vars":{"org":"…","token":"…"}}
            SIGINT or SIGTERM stops it.
            """
    )

    @Option(name: .long, help: "Which API: \(MockAPI.allCases.map(\.rawValue).joined(separator: ", ")).")
    var api: String?

    @Option(name: .long, help: "Address to listen on (loopback by default).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(name: .long, help: "Switch on an implementation bug (repeatable; see --list-faults).")
    var fault: [String] = []

    @Flag(name: .long, help: "List the faults of every mock (or of --api) and exit.")
    var listFaults = false

    func run() async throws {
        if listFaults {
            let apis = api.flatMap(MockAPI.init(rawValue:)).map { [$0] } ?? MockAPI.allCases
            for a in apis {
                for f in a.faults { printOut("\(a.rawValue):\(f.name)  \(f.summary)") }
            }
            return
        }
        guard let name = api else { printError("conform mock: --api is required"); throw ExitCode.usage }
        guard let mockAPI = MockAPI(rawValue: name) else {
            printError("conform mock: unknown API '\(name)' (available: \(MockAPI.allCases.map(\.rawValue).joined(separator: ", ")))")
            throw ExitCode.usage
        }
        guard (0...65535).contains(port) else { printError("conform mock: --port must be 0…65535"); throw ExitCode.usage }
        let faults: [MockAPI: Set<String>]
        do { faults = try MockFaultSelection.resolve(fault, apis: [name]) } catch {
            printError("conform mock: \(error.message)")
            throw ExitCode.usage
        }
        // Watch for signals before announcing: a caller may send SIGTERM as soon as it read the line.
        let (stop, continuation) = AsyncStream<Void>.makeStream()
        let watcher = SignalWatcher { continuation.yield(); continuation.finish() }
        defer { watcher.stop() }
        let running = try await MockServers.start(MockConfiguration(api: mockAPI, host: host, port: port, faults: faults[mockAPI] ?? []))
        printOut(running.announcement)
        for await _ in stop { break }
        try await running.shutdown()
    }
}

/// Which faults `--fault` switches on in which mock: `NAME` (every selected mock that has it)
/// or `API:NAME`.
enum MockFaultSelection {
    struct Error: Swift.Error { let message: String }

    static func resolve(_ names: [String], apis: Set<String>) throws(Error) -> [MockAPI: Set<String>] {
        var out: [MockAPI: Set<String>] = [:]
        for raw in names {
            var candidates = MockAPI.allCases.filter { apis.contains($0.rawValue) }
            var faultName = raw
            if let colon = raw.firstIndex(of: ":") {
                let apiName = String(raw[..<colon])
                guard let api = MockAPI(rawValue: apiName) else { throw Error(message: "unknown API '\(apiName)' in --fault \(raw)") }
                candidates = [api]
                faultName = String(raw[raw.index(after: colon)...])
            }
            let matching = candidates.filter { api in api.faults.contains { $0.name == faultName } }
            if matching.isEmpty {
                let known = candidates.flatMap { api in api.faults.map { "\(api.rawValue):\($0.name)" } }
                throw Error(message: "unknown fault '\(raw)'; known: \(known.joined(separator: ", "))")
            }
            for api in matching { out[api, default: []].insert(faultName) }
        }
        return out
    }
}
