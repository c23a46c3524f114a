import ArgumentParser
import ConformReports
import ConformRunner
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the reports of several runs (e.g. CI shards) into one.",
        discussion: """
            JUnit XML inputs give one JUnit file; conform JSON reports (--json of `conform run`) give one \
            JSON report, and with --junit also the JUnit file built from it. Suites and testcases keep \
            their names; totals are recomputed. A suite in two inputs is refused.
            Exit codes: 0 merged · 2 usage error or an input that is not a report · 3 the output could not be written.
            """
    )

    @Argument(help: "Reports to merge: all JUnit XML, or all conform JSON reports.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The merged report.")
    var output: String

    @Option(name: .long, help: "With JSON inputs: also write the merged results as JUnit XML here.")
    var junit: String?

    @Option(name: .long, help: "Name of the merged JUnit <testsuites>.")
    var name = "conform"

    func run() throws {
        var kinds: [ReportKind] = []
        for path in inputs {
            do { kinds.append(try ReportKind(sniffing: path)) } catch { throw fail(error.description, .usage) }
        }
        guard Set(kinds).count == 1, let kind = kinds.first else {
            throw fail("the inputs mix JUnit XML and JSON reports; merge each kind on its own", .usage)
        }
        switch kind {
        case .junit:
            if junit != nil { throw fail("--junit is for JSON inputs; with JUnit inputs the output is JUnit already", .usage) }
            let summary: JUnitMerge.Summary
            do { summary = try JUnitMerge.merge(inputs, to: output, name: name) } catch { throw fail(error) }
            printOut("conform merge: \(summary.reports) reports, \(summary.suites) suites, \(summary.tests) testcases "
                     + "(\(summary.failures) failed, \(summary.errors) errors, \(summary.skipped) skipped) → \(output)")
        case .json:
            var runs: [(path: String, result: RunResult)] = []
            let merged: RunResult
            do {
                for path in inputs { runs.append((path, try JSONReport.read(path))) }
                merged = try ReportMerge.merge(runs)
            } catch { throw fail(error) }
            do {
                try JSONReport.write(merged, to: output)
                if let junit { try JUnitReport.write(merged, to: junit) }
            } catch { throw fail(error.description, .harness) }
            let c = merged.counts
            printOut("conform merge: \(runs.count) reports, \(merged.scenarios.count) scenarios, \(c.total) steps "
                     + "(\(c.failed) failed, \(c.errors) errors, \(c.skipped) skipped) → \(output)\(junit.map { ", \($0)" } ?? "")")
        }
    }

    func fail(_ error: ReportError) -> ExitCode {
        switch error {
        case .invalidReport, .io(_, "read", _), .io(_, "open", _): fail(error.description, .usage)
        default: fail(error.description, .harness)
        }
    }

    func fail(_ message: String, _ code: ExitCode) -> ExitCode {
        printError("conform merge: \(message)")
        return code
    }
}

/// Which kind of report a file is, from its first non-blank byte.
enum ReportKind: Hashable {
    case junit, json

    init(sniffing path: String) throws(ReportError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, operation: "read", reason: "no such file or not readable")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let bytes = head.starts(with: bom) ? head.dropFirst(3) : head[...]
        switch bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
        case UInt8(ascii: "<"): self = .junit
        case UInt8(ascii: "{"): self = .json
        default: throw .invalidReport(location: path, reason: "neither JUnit XML nor a conform JSON report")
        }
    }
}
