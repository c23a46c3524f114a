@testable import ConformReports
import ConformRunner
import Foundation
import Testing

@Suite struct ScaleTests {
    /// 100,000 testcases in 1,000 suites stream through libxml2: the file is complete and memory stays flat.
    @Test func hundredThousandTestcases() throws {
        let scenarios = (0..<1000).map { s in
            Fixture.scenario("scenarios/scale/s\(s).json", "scenario \(s)", (1...100).map { i in
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
        let clock = ContinuousClock()
        let before = try resetPeakResident()
        let elapsed = try clock.measure { try JUnitReport.write(run, to: path) }
        let growth = try peakResident() - before
        let bytes = Fixture.bytes(path)
        // Streaming: the peak grows by a fraction of the file (measured alone: ~3.5 MB for 14.5 MB), while a DOM
        // writer grows by ~15 times the file. The bound leaves room for other suites allocating in parallel.
        #expect(growth < 3 * bytes.count, "peak resident grew by \(growth) bytes for a \(bytes.count)-byte file")
        #expect(isXML10Text(bytes))
        let cases = occurrences(of: "<testcase ", in: bytes)
        let failures = occurrences(of: "<failure ", in: bytes)
        let suites = occurrences(of: "<testsuite ", in: bytes)
        #expect(cases == 100_000 && failures == 10_000 && suites == 1000)
        #expect(Array(bytes.prefix(200)).contains(#"<testsuites name="conform" tests="100000" failures="10000" errors="0""#))
        #expect(String(decoding: bytes.suffix(20), as: UTF8.self).hasSuffix("</testsuites>\n"))
        // Generous: the point is that it works, not a benchmark (debug build, shared cores).
        #expect(elapsed < .seconds(120))
    }

    /// Resets the kernel's peak-resident mark (Linux `clear_refs` 5) and returns the current resident size.
    func resetPeakResident() throws -> Int {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return try status("VmRSS")
    }

    /// Peak resident size since the last reset, in bytes.
    func peakResident() throws -> Int { try status("VmHWM") }

    func status(_ key: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(key + ":") })
        return try #require(Int(line.split(separator: " ").dropFirst().first ?? "")) * 1024
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
