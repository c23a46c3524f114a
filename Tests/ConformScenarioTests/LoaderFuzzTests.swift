import ConformJSON
import ConformSchema
import ConformTestSupport
import Foundation
import Testing
@testable import ConformScenario

/// Mutations of valid scenario files, loaded the way `conform validate` loads them (suite.json,
/// schema files and all). Every input must load or be rejected with one diagnostic whose
/// `line:column` is a real place in the file it names — never a crash, never a hang.
@Suite struct LoaderFuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Seed inputs: every conformance scenario, each with the folder it lives in (for suite.json and schemas).
    static func seeds() throws -> [(folder: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for api in ["dockerhub", "ionos", "xms"] {
            let folder = root.appendingPathComponent("scenarios/\(api)").path
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".conform.json") {
                out.append((api, [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))))
            }
        }
        out.append(("plain", Array(LoaderTests.minimal.utf8)))
        return out
    }

    /// A scratch copy of the layout: `<tmp>/<api>/suite.json` and `schemas/` link to the real ones.
    final class Workspace {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("conform-fuzz-\(UUID().uuidString)").path
            let fm = FileManager.default
            for api in ["dockerhub", "ionos", "xms"] {
                let dir = path + "/" + api
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let real = LoaderFuzzTests.root.appendingPathComponent("scenarios/\(api)").path
                try fm.createSymbolicLink(atPath: dir + "/suite.json", withDestinationPath: real + "/suite.json")
                try fm.createSymbolicLink(atPath: dir + "/schemas", withDestinationPath: real + "/schemas")
            }
            try fm.createDirectory(atPath: path + "/plain", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    // MARK: Mutations

    static let structural: [[UInt8]] = ["{", "}", "[", "]", ":", ",", "\"", "\\", "{{", "}}", "\"\":", "null", "-", "1e999",
                                        "\u{0}", "\n", "\"\\u", "\\ud800"].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F]]
    static let wrongTypes: [[UInt8]] = ["0", "-1", "1.5", "1e400", "true", "null", "[]", "{}", "[1, \"a\"]", "{\"x\": {}}", "\"\"",
                                        "\"{{nope}}\"", "\"/\"", "\"$..*\"", "\"(\"", "3000"].map { Array($0.utf8) }

    /// Byte offsets of `"key":` starts, and of `:` value starts.
    static func offsets(of byte: UInt8, in b: [UInt8]) -> [Int] { b.indices.filter { b[$0] == byte } }

    static func mutate(_ input: [UInt8], _ g: inout SplitMix64) -> [UInt8] {
        var b = input
        let rounds = 1 + g.below(3)
        for _ in 0..<rounds {
            guard !b.isEmpty else { return b }
            switch g.below(10) {
            case 0:  // flip bits
                for _ in 0..<(1 + g.below(4)) { b[g.below(b.count)] ^= UInt8(1 << g.below(8)) }
            case 1:  // truncate
                b = Array(b.prefix(g.below(b.count)))
            case 2:  // insert structural characters or broken UTF-8
                let s = structural[g.below(structural.count)]
                b.insert(contentsOf: s, at: g.below(b.count + 1))
            case 3:  // delete a range
                let start = g.below(b.count)
                b.removeSubrange(start..<min(b.count, start + 1 + g.below(40)))
            case 4:  // duplicate a key into its object
                let quotes = offsets(of: UInt8(ascii: ":"), in: b)
                guard let colon = quotes.randomElement(using: &g),
                      let keyStart = b[..<colon].lastIndex(of: UInt8(ascii: "\""))
                        .flatMap({ end in b[..<end].lastIndex(of: UInt8(ascii: "\"")) }),
                      let brace = b[..<keyStart].lastIndex(of: UInt8(ascii: "{")) else { continue }
                let key = Array(b[keyStart..<colon])
                b.insert(contentsOf: key + Array(": null, ".utf8), at: brace + 1)
            case 5:  // deep nesting as a new value
                let colons = offsets(of: UInt8(ascii: ":"), in: b)
                guard let colon = colons.randomElement(using: &g) else { continue }
                let depth = 1 + g.below(600)
                let open: [UInt8] = g.chance(50) ? [UInt8(ascii: "[")] : Array(#"{"a":"#.utf8)
                let close: [UInt8] = open.count == 1 ? [UInt8(ascii: "]")] : [UInt8(ascii: "}")]
                let nest = Array(repeating: open, count: depth).flatMap { $0 } + [UInt8(ascii: "0")]
                    + Array(repeating: close, count: depth).flatMap { $0 } + Array(#", "zz":"#.utf8)
                b.insert(contentsOf: nest, at: colon + 1)
            case 6:  // a value of the wrong type
                let colons = offsets(of: UInt8(ascii: ":"), in: b)
                guard let colon = colons.randomElement(using: &g) else { continue }
                var end = colon + 1
                while end < b.count, b[end] == UInt8(ascii: " ") { end += 1 }
                if end < b.count, b[end] == UInt8(ascii: "\"") {
                    var i = end + 1
                    while i < b.count, b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                    end = min(b.count, i + 1)
                } else {
                    while end < b.count, !",}]\n".utf8.contains(b[end]) { end += 1 }
                }
                b.replaceSubrange((colon + 1)..<end, with: [UInt8(ascii: " ")] + wrongTypes[g.below(wrongTypes.count)])
            case 7:  // an unknown key
                let braces = offsets(of: UInt8(ascii: "{"), in: b)
                guard let brace = braces.randomElement(using: &g) else { continue }
                b.insert(contentsOf: Array(#""reqest": {}, "#.utf8), at: brace + 1)
            case 8:  // splice a slice elsewhere
                let start = g.below(b.count)
                let slice = Array(b[start..<min(b.count, start + 1 + g.below(200))])
                b.insert(contentsOf: slice, at: g.below(b.count + 1))
            default:  // an unknown variable in a string
                let quotes = offsets(of: UInt8(ascii: "\""), in: b)
                guard let q = quotes.randomElement(using: &g) else { continue }
                b.insert(contentsOf: Array("{{tokn_id}}".utf8), at: q + 1)
            }
        }
        return b
    }

    // MARK: Checking a diagnostic

    /// Why `location` is not a real place in `bytes` (nil when it is).
    static func problem(_ location: ConformJSON.SourceLocation, in bytes: [UInt8]) -> String? {
        sourcePlaceProblem(line: location.line, column: location.column, in: bytes)
    }

    struct Tally { var accepted = 0; var rejected = 0 }

    /// Loads `bytes` as `<workspace>/<folder>/case-N.conform.json` and checks the outcome.
    static func check(_ bytes: [UInt8], folder: String, workspace: Workspace, store: SchemaStore, label: String,
                      tally: inout Tally, files: inout [String: [UInt8]]) throws {
        let path = workspace.path + "/" + folder + "/case.conform.json"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ScenarioLoader.load(file: path, schemas: store)
            tally.accepted += 1
        } catch {
            tally.rejected += 1
            #expect(!error.message.isEmpty, "\(label): empty message")
            #expect(!error.message.contains("\n"), "\(label): a diagnostic is one line: \(error)")
            let named: [UInt8]
            if error.location.file == path {
                named = bytes
            } else if let known = files[error.location.file] {
                named = known
            } else {
                // A schema file or suite.json the scenario uses: the location must be inside that file.
                let data = FileManager.default.contents(atPath: error.location.file)
                #expect(data != nil, "\(label): the diagnostic names a file that does not exist: \(error)")
                named = [UInt8](data ?? Data())
                files[error.location.file] = named
            }
            if let p = problem(error.location, in: named) {
                Issue.record("\(label): \(p) is not inside \(error.location.file): \(error)")
            }
        }
    }

    static func fuzz(seed: UInt64, cases: Int, mutate: (inout [UInt8], inout SplitMix64) -> Void) async throws -> Tally {
        let seeds = try seeds()
        let workspace = try Workspace()
        let store = SchemaStore()
        var g = SplitMix64(seed: seed)
        var tally = Tally()
        var files: [String: [UInt8]] = [:]
        let started = ContinuousClock.now
        for i in 0..<cases {
            // CPU-bound: let other tests' tasks run on the (two) cooperative threads now and then.
            if i % 20 == 0 { await Task.yield() }
            let (folder, original) = seeds[g.below(seeds.count)]
            var bytes = original
            mutate(&bytes, &g)
            try check(bytes, folder: folder, workspace: workspace, store: store, label: "seed \(seed) case \(i)",
                      tally: &tally, files: &files)
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(90), "\(cases) cases took \(elapsed)")  // ~3 s alone; generous for a loaded CI machine
        return tally
    }

    @Test func mutatedScenariosLoadOrGiveAPreciseDiagnostic() async throws {
        let tally = try await Self.fuzz(seed: 0xC0FFEE, cases: 1000) { b, g in b = Self.mutate(b, &g) }
        // Both outcomes happen: the mutations are neither all harmless nor all fatal to parsing.
        #expect(tally.rejected > 300, "\(tally)")
        #expect(tally.accepted > 10, "\(tally)")
    }

    @Test func randomBytesAndTruncationsNeverCrashTheLoader() async throws {
        let tally = try await Self.fuzz(seed: 0xBAD5EED, cases: 700) { b, g in
            switch g.below(3) {
            case 0:  // a random prefix of a valid file
                b = Array(b.prefix(g.below(b.count + 1)))
            case 1:  // pure noise, biased towards JSON punctuation
                let alphabet = Array(#"{}[]:,"\ 0123456789-eE.truefalsn{{}}$/"#.utf8) + [0x00, 0x0A, 0x80, 0xC0, 0xFF, 0xED, 0xA0]
                b = (0..<g.below(300)).map { _ in alphabet[g.below(alphabet.count)] }
            default:  // many small mutations at once
                for _ in 0..<(2 + g.below(6)) { b = Self.mutate(b, &g) }
            }
        }
        #expect(tally.rejected > 600, "\(tally)")
    }

    @Test func theSameBytesGiveTheSameDiagnostic() async throws {
        let seeds = try Self.seeds()
        let workspace = try Workspace()
        var g = SplitMix64(seed: 42)
        for i in 0..<200 {
            if i % 20 == 0 { await Task.yield() }
            let (folder, original) = seeds[g.below(seeds.count)]
            let bytes = Self.mutate(original, &g)
            let path = workspace.path + "/" + folder + "/same.conform.json"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            func outcome() -> String {
                do { _ = try ScenarioLoader.load(file: path, schemas: SchemaStore()); return "ok" } catch { return error.description }
            }
            let first = outcome()
            #expect(outcome() == first, "case \(i)")
        }
    }

    @Test func ordinaryNamesThatStartLikeBuiltInsAreStillVariables() throws {
        let text = #"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "capture": {"uuid_v": "/id", "timestamps": "/t", "environment": "/e"}}, {"name": "b", "request": {"method": "GET", "path": "/{{uuid_v}}/{{timestamps}}/{{environment}}"}}]}"#
        let s = try ScenarioLoader.load(text: text)
        #expect(s.steps[0].captures.map(\.name).sorted() == ["environment", "timestamps", "uuid_v"])
    }

    /// The malformed-scenario corpus, loaded in-process: the diagnostic expected.txt names, at a real place.
    @Test func theBrokenCorpusGivesItsExpectedDiagnostics() throws {
        let folder = Self.root.appendingPathComponent("Tests/Fixtures/broken").path
        let expected = try String(contentsOfFile: folder + "/expected.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".conform.json") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            let path = folder + "/" + file
            do {
                _ = try ScenarioLoader.load(file: path)
                Issue.record("\(file) loaded")
            } catch {
                // Paths are shown as given, or relative to the working directory: compare from the corpus folder on.
                let text = error.description
                let shown = text.range(of: "Fixtures/broken/").map { String(text[$0.upperBound...]) } ?? text
                #expect(expected.contains { shown.hasPrefix($0.prefix { $0 != ":" } + ":") && shown.contains($0.drop { $0 != ":" }) },
                        "\(file): \(error)")
                let bytes = [UInt8](FileManager.default.contents(atPath: error.location.file) ?? Data())
                #expect(Self.problem(error.location, in: bytes) == nil, "\(error)")
            }
        }
    }
}
