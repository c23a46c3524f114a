// conform-bench: measurements bench/run cannot take from outside the conform binary.
//
//   conform-bench junit SCENARIOS STEPS OUTFILE
//
// Builds a RunResult shaped like a real run's (SCENARIOS suites of STEPS steps, every step with the
// exchange a passing step keeps — request line and status — and every tenth step failed with a
// full transcript), then times JUnitReport.write alone. Prints one line:
//   testcases=N seconds=S results_rss_kb=K write_peak_rss_kb=K
// results_rss_kb is the resident size once the results are built; write_peak_rss_kb is the peak
// resident size while writing (the kernel's high-water mark, reset just before the write), so the
// difference is what writing the report costs in memory.
import ConformReports
import ConformRunner
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("conform-bench: \(message)\n".utf8))
    exit(2)
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM); 0 where there is no /proc.
func procStatusKB(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// Resets VmHWM to the current resident size (Linux ≥ 4.0: writing 5 to clear_refs).
func resetPeakRSS() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return }
    _ = write(fd, "5", 1)
    close(fd)
}

func junit(scenarios: Int, steps: Int, out: String) {
    let start = Date(timeIntervalSince1970: 1_738_326_896)
    let results = (0..<scenarios).map { s -> ScenarioResult in
        let file = "bench/generated/lifecycle-\(s).conform.json"
        let stepResults = (1...steps).map { i -> StepResult in
            let url = "http://127.0.0.1:8080/access-tokens/\(s * steps + i)"
            if i % 10 == 0 {
                let exchange = Exchange(method: "GET", url: url, requestHeaders: [("Xms-Auth-Token", "tok-secret-0123456789"), ("Accept", "application/json")],
                                        requestBody: [], status: 500, responseHeaders: [("Content-Type", "application/json")],
                                        responseBody: Array(#"{"code":"InternalError","message":"boom"}"#.utf8), duration: 0.0021, error: nil)
                let failure = CheckFailure(kind: "status", message: "expected status 200, got 500", expected: "200", actual: "500", line: 10 + i)
                return StepResult(index: i, name: "step \(i)", phase: .main, line: 10 + i, duration: 0.0021,
                                  outcome: .failed([failure]), exchanges: [exchange])
            }
            let exchange = Exchange(method: "GET", url: url, requestHeaders: [], requestBody: [], status: 200, responseHeaders: [],
                                    responseBody: [], duration: 0.0012, error: nil)
            return StepResult(index: i, name: "step \(i)", phase: .main, line: 10 + i, duration: 0.0012, outcome: .passed,
                              exchanges: [exchange])
        }
        return ScenarioResult(file: file, name: "bench: lifecycle \(s)", tags: ["bench"], startedAt: start,
                              duration: 0.0012 * Double(steps), steps: stepResults)
    }
    let run = RunResult(runID: "benchrun", startedAt: start, duration: 1, properties: [("conform.version", "bench")],
                        scenarios: results, interrupted: false,
                        secrets: [KnownSecret(name: "token", value: "tok-secret-0123456789")])
    let before = procStatusKB("VmRSS")
    resetPeakRSS()
    let clock = ContinuousClock()
    let t0 = clock.now
    do { try JUnitReport.write(run, to: out) } catch { fail("JUnit report not written: \(error)") }
    let elapsed = clock.now - t0
    let peak = procStatusKB("VmHWM")
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("testcases=\(scenarios * steps) seconds=\(String(format: "%.3f", seconds)) results_rss_kb=\(before) write_peak_rss_kb=\(peak)")
}

let args = CommandLine.arguments
guard args.count == 5, args[1] == "junit", let scenarios = Int(args[2]), let steps = Int(args[3]), scenarios > 0, steps > 0 else {
    fail("usage: conform-bench junit SCENARIOS STEPS OUTFILE")
}
junit(scenarios: scenarios, steps: steps, out: args[4])
