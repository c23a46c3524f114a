import ConformRunner
import Foundation

/// Combining the reports of several runs (CI shards) into one: the rules shared by the JUnit and
/// the JSON merge.
public enum ReportMerge {
    /// One list of run properties from several: each name once, in order of first appearance;
    /// where runs disagree (`run.id`, `shard`, `base_url`), their distinct values joined by `, `.
    public static func properties(_ lists: [[(name: String, value: String)]]) -> [(name: String, value: String)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for list in lists {
            for (name, value) in list {
                if values[name] == nil { order.append(name) }
                if !values[name, default: []].contains(value) { values[name, default: []].append(value) }
            }
        }
        return order.map { ($0, values[$0, default: []].joined(separator: ", ")) }
    }

    /// The runs as one: scenarios in input order, interrupted if any run was, wall time from
    /// the first start to the last end. A scenario file reported by two runs is refused: the same
    /// report was given twice, or shards overlapped, and totals would count it twice.
    public static func merge(_ runs: [(path: String, result: RunResult)]) throws(ReportError) -> RunResult {
        guard let first = runs.first else { throw .invalidReport(location: "merge", reason: "no reports to merge") }
        var owner: [String: String] = [:]
        for (path, run) in runs {
            for s in run.scenarios {
                let key = s.file + "\u{0}" + s.name
                if let other = owner[key] {
                    throw .invalidReport(location: path, reason: "scenario \(s.file) (\(s.name)) is also in \(other): the same report given twice, or overlapping shards")
                }
                owner[key] = path
            }
        }
        let start = runs.map(\.result.startedAt).min() ?? first.result.startedAt
        let end = runs.map { $0.result.startedAt.addingTimeInterval($0.result.duration) }.max() ?? start
        var ids: [String] = []
        for (_, run) in runs where !ids.contains(run.runID) { ids.append(run.runID) }
        return RunResult(
            runID: ids.joined(separator: ", "), startedAt: start, duration: max(0, end.timeIntervalSince(start)),
            properties: properties(runs.map(\.result.properties)),
            scenarios: runs.flatMap(\.result.scenarios),
            interrupted: runs.contains { $0.result.interrupted },
            secrets: runs.flatMap(\.result.secrets))
    }
}
