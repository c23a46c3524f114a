@testable import ConformReports
import ConformRunner
import Foundation
import Testing

@Suite struct ScaleTests {
    /// 20,000 testcases in 1,000 suites stream through libxml2 into a complete, well-formed file. Time and
    /// peak memory are the benchmark's business (bench/run, with 100,000):
    /// other suites share this process and its cores.
    @Test func twentyThousandTestcases() throws {
        let scenarios = (0..<1000).map { s in
            Fixture.scenario("scenarios/scale/s\(s).json", "scenario \(s)", (1...20).map { i in
                i % 10 == 0
                    ? Fixture.step(i, "step \(i)", line: i, .failed([CheckFailure(kind: "status", message: "expected 200, got 500",
                                                                                  expected: "200", actual: "500")]), duration: 0.001)
                    : Fixture.step(i, "step \(i)", line: i, duration: 0.001)
            })
        }
        let run = Fixture.run(scenarios, secrets: [KnownSecret(name: "t", value: "never-present-secret")])
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/TEST-scale.xml"
        try JUnitReport.write(run, to: path)
        let bytes = Fixture.bytes(path)
        #expect(isXML10Text(bytes))
        let cases = occurrences(of: "<testcase ", in: bytes)
        let failures = occurrences(of: "<failure ", in: bytes)
        let suites = occurrences(of: "<testsuite ", in: bytes)
        #expect(cases == 20_000 && failures == 2_000 && suites == 1000)
        #expect(Array(bytes.prefix(200)).contains(#"<testsuites name="conform" tests="20000" failures="2000" errors="0""#))
        #expect(String(decoding: bytes.suffix(20), as: UTF8.self).hasSuffix("</testsuites>\n"))
    }

    func occurrences(of text: String, in bytes: [UInt8]) -> Int {
        let needle = Array(text.utf8)
        var n = 0
        var i = 0
        while let start = bytes[i...].firstIndex(of: needle[0]) {
            if bytes[start...].starts(with: needle) { n += 1 }
            i = start + 1
        }
        return n
    }
}
