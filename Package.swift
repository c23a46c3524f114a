// swift-tools-version:6.1
import PackageDescription

let collections = Target.Dependency.product(name: "OrderedCollections", package: "swift-collections")
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]

let package = Package(
    name: "conform",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "conform", targets: ["conform"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/onevcat/Rainbow", exact: "4.2.2"),
    ],
    targets: [
        // C libraries, reached through one-line module maps and non-variadic shims.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        // JSON values with source positions, JSON Pointer, a JSONPath subset.
        .target(name: "ConformJSON", dependencies: [collections]),
        // JSON Schema validation (draft 4, 2020-12, OpenAPI 3.0) and schema documents (JSON/YAML).
        .target(name: "ConformSchema", dependencies: ["ConformJSON", .product(name: "Yams", package: "Yams")]),
        // Scenario model, loader with file:line:column diagnostics, interpolation, checks, secrets.
        .target(name: "ConformScenario", dependencies: ["ConformJSON", "ConformSchema"]),
        // HTTP over libcurl's multi interface.
        .target(name: "ConformHTTP", dependencies: ["CCurl"]),
        // Executes scenarios; produces results.
        .target(name: "ConformRunner", dependencies: ["ConformScenario", "ConformHTTP", "ConformJSON", "ConformSchema"]),
        // Console, JUnit XML (libxml2) and JSON reports.
        .target(name: "ConformReports", dependencies: ["ConformRunner", "ConformScenario", "ConformJSON", "CLibXML2",
                                                       .product(name: "Rainbow", package: "Rainbow")]),
        // Mock servers of the target APIs on SwiftNIO, with fault injection.
        .target(name: "ConformMocks", dependencies: ["ConformJSON", collections] + nio),
        .executableTarget(name: "conform", dependencies: [
            "ConformJSON", "ConformSchema", "ConformScenario", "ConformHTTP", "ConformRunner",
            "ConformReports", "ConformMocks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmark driver for bench/run: times report writing on large synthetic results.
        .executableTarget(name: "conform-bench", dependencies: ["ConformReports", "ConformRunner"],
                          path: "bench/Sources/conform-bench"),

        // Test support: scripted raw-socket HTTP servers for transport and hostile-server tests.
        .target(name: "ConformTestSupport", dependencies: [], path: "Tests/ConformTestSupport"),
        .testTarget(name: "ConformJSONTests", dependencies: ["ConformJSON", "ConformTestSupport"]),
        .testTarget(name: "ConformSchemaTests", dependencies: ["ConformSchema", "ConformJSON", "ConformTestSupport"]),
        .testTarget(name: "ConformScenarioTests", dependencies: ["ConformScenario", "ConformJSON", "ConformSchema", "ConformTestSupport"]),
        .testTarget(name: "ConformHTTPTests", dependencies: ["ConformHTTP", "ConformTestSupport"]),
        .testTarget(name: "ConformRunnerTests", dependencies: ["ConformRunner", "ConformScenario", "ConformHTTP",
                                                               "ConformTestSupport", "ConformMocks", "ConformJSON", "ConformReports"]),
        .testTarget(name: "ConformReportsTests", dependencies: ["ConformReports", "ConformRunner", "ConformScenario",
                                                                "ConformJSON", "ConformMocks"]),
        .testTarget(name: "ConformMocksTests", dependencies: ["ConformMocks", "ConformJSON", "ConformHTTP"]),
        .testTarget(name: "ConformCLITests", dependencies: ["conform", "ConformMocks", "ConformJSON", "ConformTestSupport"]),
    ]
)
