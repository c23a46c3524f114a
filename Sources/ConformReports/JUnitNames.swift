import ConformRunner

/// Names of suites and testcases as CI viewers group and key them (FORMAT.md §8).
enum JUnitNames {
    /// Azure DevOps drops results whose `classname.name` reaches 512 characters.
    static let maxQualifiedName = 511
    static let maxClassname = 300

    /// `scenarios/dockerhub/lifecycle.json` → `scenarios.dockerhub.lifecycle`: a dot is Jenkins'
    /// package separator, so dots, spaces and other punctuation inside a segment become `_`.
    static func classname(forFile file: String) -> String {
        var segments = file.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
        if var last = segments.popLast() {
            if let dot = last.lastIndex(of: "."), dot != last.startIndex { last = String(last[..<dot]) }
            segments.append(last)
        }
        let name = segments.map(segment).filter { !$0.isEmpty }.joined(separator: ".")
        return String((name.isEmpty ? "scenario" : name).prefix(maxClassname))
    }

    /// One classname segment: letters, digits, `_` and `-` kept, anything else `_`.
    static func segment(_ s: String) -> String {
        // ASCII text (nearly every file name) on bytes: this runs for every scenario of a report.
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else { return segmentByCharacters(s) }
        return String(decoding: s.utf8.map { b in
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): b
            default: UInt8(ascii: "_")
            }
        }, as: UTF8.self)
    }

    /// The general rule, for text with non-ASCII characters.
    static func segmentByCharacters(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }

    /// `02 read the token`: zero-padded so names sort in step order and stay unique when texts repeat.
    static func testcaseName(index: Int, name: String, width: Int) -> String {
        let number = String(max(0, index))
        let text = TextSanitizer.oneLine(name)
        // Appended to one string: this runs for every testcase of a report.
        var out = ""
        out.reserveCapacity(max(width, number.utf8.count) + 1 + text.utf8.count)
        for _ in 0..<max(0, width - number.utf8.count) { out += "0" }
        out += number
        if !text.isEmpty {
            out += " "
            out += text
        }
        return out
    }

    /// Digits of the widest step index in `steps`, at least 2.
    static func indexWidth(_ steps: [StepResult]) -> Int {
        max(2, String(steps.map(\.index).max() ?? 0).count)
    }

    /// `name` shortened so `classname.name` stays within Azure's limit.
    static func fitted(_ name: String, classname: String) -> String {
        // UTF-8 counts first: never below the Character counts, and O(1), where counting Characters
        // walked both strings for each of a report's testcases.
        guard name.utf8.count + classname.utf8.count >= maxQualifiedName else { return name }
        let room = maxQualifiedName - classname.count - 1
        guard name.count > room else { return name }
        return String(name.prefix(max(1, room - 1))) + "…"
    }

    /// Suite names and classnames for every scenario, unique within the run.
    ///
    /// One scenario per file gives the file path and its dotted form; scenarios sharing a
    /// file get their name appended, and a counter if that is still not unique.
    static func suiteIdentities(_ scenarios: [ScenarioResult]) -> [(suite: String, classname: String)] {
        var filesSeen: [String: Int] = [:]
        for s in scenarios { filesSeen[s.file, default: 0] += 1 }
        var suites = Set<String>()
        var classnames = Set<String>()
        return scenarios.map { s in
            var suite = s.file.isEmpty ? "scenario" : s.file
            var classname = classname(forFile: s.file)
            if filesSeen[s.file, default: 0] > 1 {
                let name = TextSanitizer.oneLine(s.name)
                suite += " [\(name)]"
                classname = String((classname + "." + segment(name)).prefix(maxClassname))
            }
            suite = unique(suite, in: &suites) { "\($0) #\($1)" }
            classname = unique(classname, in: &classnames) { "\($0)_\($1)" }
            return (suite, classname)
        }
    }

    static func unique(_ candidate: String, in seen: inout Set<String>, numbered: (String, Int) -> String) -> String {
        var result = candidate
        var n = 2
        while !seen.insert(result).inserted {
            result = numbered(candidate, n)
            n += 1
        }
        return result
    }
}
