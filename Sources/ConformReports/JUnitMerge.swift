internal import CLibXML2
import Foundation

/// Merges JUnit XML reports of several runs (CI shards, or other tools) into one file.
///
/// Each input is streamed twice through libxml2's `xmlTextReader`, so memory stays flat
/// whatever the sizes: a first pass counts every suite's testcases and outcomes and gathers the
/// run properties; the second copies every `testsuite` node by node into the output. Suites keep
/// their names, attributes and testcases (viewers key results by `classname` + `name`, so identity
/// survives); the counts in attributes are recomputed from the children; the properties of all
/// runs go, merged (`ReportMerge.properties`), into the first suite only, because xunitparser
/// refuses a property name seen twice across suites. Inputs are parsed without network access
/// and without entity expansion.
public enum JUnitMerge {
    public struct Summary: Sendable, Equatable {
        public var reports = 0
        public var suites = 0
        public var tests = 0
        public var failures = 0
        public var errors = 0
        public var skipped = 0
    }

    /// Merges `inputs` into `output` (atomically). Throws `.invalidReport` for an input that is
    /// not JUnit XML or repeats a suite of another input.
    @discardableResult
    public static func merge(_ inputs: [String], to output: String, name: String = "conform") throws(ReportError) -> Summary {
        guard !inputs.isEmpty else { throw .invalidReport(location: "merge", reason: "no reports to merge") }
        var surveys: [Survey] = []
        var owner: [String: String] = [:]
        for path in inputs {
            let survey = try Survey(path: path)
            for suite in survey.suites {
                if let other = owner[suite.name] {
                    throw .invalidReport(location: path, reason: "suite '\(suite.name)' is also in \(other): the same report given twice, or overlapping shards")
                }
                owner[suite.name] = path
            }
            surveys.append(survey)
        }
        let properties = ReportMerge.properties(surveys.map(\.properties))
        var summary = Summary(reports: inputs.count)
        var time = 0.0
        for suite in surveys.flatMap(\.suites) {
            summary.suites += 1
            summary.tests += suite.tests
            summary.failures += suite.failures
            summary.errors += suite.errors
            summary.skipped += suite.skipped
            time += suite.time
        }
        let total = summary
        try ReportFileWriter(secrets: []).write(to: output) { (fd: Int32) throws(ReportError) in
            let xml = try XMLStreamWriter(fd: fd, path: output, indent: true)
            try xml.startDocument()
            try xml.start("testsuites")
            try xml.attribute("name", name)
            try xml.attribute("tests", String(total.tests))
            try xml.attribute("failures", String(total.failures))
            try xml.attribute("errors", String(total.errors))
            try xml.attribute("time", ReportTime.seconds(time))
            var pending = properties
            for survey in surveys {
                try copySuites(of: survey, into: xml) { () throws(ReportError) in
                    guard !pending.isEmpty else { return }
                    try JUnitReport.writeProperties(pending.map { ($0.name, $0.value) }, xml: xml)
                    pending = []
                }
            }
            try xml.end()
            try xml.finish()
        }
        return summary
    }

    /// What the first pass learns of one input.
    struct Survey {
        struct Suite {
            var name: String
            var tests = 0, failures = 0, errors = 0, skipped = 0
            var time = 0.0
        }
        let path: String
        /// Depth of the `testsuite` elements: 0 for a lone `<testsuite>` root, 1 under `<testsuites>`.
        var suiteDepth = 1
        var suites: [Suite] = []
        var properties: [(name: String, value: String)] = []

        init(path: String) throws(ReportError) {
            self.path = path
            let reader = try Reader(path: path)
            var suite: Suite?
            var suiteCount = 0
            var caseDepth: Int?
            var caseOutcomeSeen = false
            while try reader.read() {
                let depth = reader.depth
                switch reader.nodeType {
                case XML_READER_TYPE_ELEMENT:
                    let element = reader.name
                    if depth == 0 {
                        guard element == "testsuites" || element == "testsuite" else {
                            throw .invalidReport(location: reader.location, reason: "not a JUnit report: the root element is <\(element)>, not <testsuites> or <testsuite>")
                        }
                        suiteDepth = element == "testsuite" ? 0 : 1
                    }
                    if depth == suiteDepth && element == "testsuite" {
                        suiteCount += 1
                        let name = reader.attribute("name") ?? ""
                        suite = Suite(name: name.isEmpty ? "\(path) #\(suiteCount)" : name,
                                      time: reader.attribute("time").flatMap(Double.init).map { $0.isFinite ? max(0, $0) : 0 } ?? 0)
                        if reader.isEmptyElement { suites.append(suite!); suite = nil }
                    } else if element == "property" && reader.parentIsProperties && depth <= suiteDepth + 2 {
                        // Run properties: a suite's own, or (other tools) the root's; not a testcase's.
                        if let name = reader.attribute("name") { properties.append((name, reader.attribute("value") ?? "")) }
                    } else if suite != nil && element == "testcase" {
                        suite!.tests += 1
                        caseDepth = reader.isEmptyElement ? nil : depth
                        caseOutcomeSeen = false
                    } else if let c = caseDepth, depth == c + 1, !caseOutcomeSeen, suite != nil {
                        // A testcase has one outcome; the first outcome element decides it.
                        switch element {
                        case "failure": suite!.failures += 1; caseOutcomeSeen = true
                        case "error": suite!.errors += 1; caseOutcomeSeen = true
                        case "skipped": suite!.skipped += 1; caseOutcomeSeen = true
                        default: break
                        }
                    }
                    reader.noteElement(element)
                case XML_READER_TYPE_END_ELEMENT:
                    if depth == caseDepth { caseDepth = nil }
                    if depth == suiteDepth, let s = suite { suites.append(s); suite = nil }
                    reader.noteEnd()
                default:
                    break
                }
            }
        }
    }

    /// Second pass: copies the input's suites, with recomputed counts, leaving out their own properties.
    static func copySuites(of survey: Survey, into xml: XMLStreamWriter, writeProperties: () throws(ReportError) -> Void) throws(ReportError) {
        let reader = try Reader(path: survey.path)
        var suites = survey.suites.makeIterator()
        var inSuite = false
        var more = try reader.read()
        while more {
            let depth = reader.depth
            let type = reader.nodeType
            var skipSubtree = false
            if !inSuite {
                if type == XML_READER_TYPE_ELEMENT && depth == survey.suiteDepth && reader.name == "testsuite" {
                    guard let counted = suites.next() else { throw .invalidReport(location: reader.location, reason: "the report changed while it was merged") }
                    try xml.start("testsuite")
                    var written = Set<String>()
                    for (name, value) in reader.attributes() {
                        switch name {
                        case "tests": try xml.attribute(name, String(counted.tests))
                        case "failures": try xml.attribute(name, String(counted.failures))
                        case "errors": try xml.attribute(name, String(counted.errors))
                        case "skipped": try xml.attribute(name, String(counted.skipped))
                        default: try xml.attribute(name, value)
                        }
                        written.insert(name)
                    }
                    for (name, value) in [("tests", counted.tests), ("failures", counted.failures), ("errors", counted.errors),
                                          ("skipped", counted.skipped)] where !written.contains(name) {
                        try xml.attribute(name, String(value))
                    }
                    try writeProperties()
                    if reader.isEmptyElement { try xml.end() } else { inSuite = true }
                }
            } else {
                switch type {
                case XML_READER_TYPE_ELEMENT:
                    let name = reader.name
                    if depth == survey.suiteDepth + 1 && name == "properties" {
                        skipSubtree = true
                    } else {
                        try xml.start(name)
                        for (attribute, value) in reader.attributes() { try xml.attribute(attribute, value) }
                        if reader.isEmptyElement { try xml.end() }
                    }
                case XML_READER_TYPE_END_ELEMENT:
                    try xml.end()
                    if depth == survey.suiteDepth { inSuite = false }
                case XML_READER_TYPE_TEXT, XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
                    try xml.text(reader.value)
                case XML_READER_TYPE_CDATA:
                    try xml.cdata(reader.value)
                default:
                    break  // comments, processing instructions, ignorable blanks
                }
            }
            more = skipSubtree ? try reader.skip() : try reader.read()
        }
    }

    /// A libxml2 text reader over one file that turns parser complaints into `ReportError`s.
    final class Reader {
        private let reader: OpaquePointer
        private let path: String
        private let errors = ErrorBox()
        /// Names of the open elements, to know a `property`'s parent.
        private var open: [String] = []

        init(path: String) throws(ReportError) {
            self.path = path
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw .io(path: path, operation: "read", reason: "no such file or not readable")
            }
            // No network, no entity expansion (XXE), no ignorable blanks.
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue)
            guard let reader = xmlReaderForFile(path, nil, options) else {
                throw .io(path: path, operation: "open", reason: "libxml2 cannot open it")
            }
            self.reader = reader
            xmlTextReaderSetErrorHandler(reader, { arg, message, _, locator in
                guard let arg else { return }
                let box = Unmanaged<ErrorBox>.fromOpaque(arg).takeUnretainedValue()
                guard box.message == nil else { return }
                box.message = message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "parse error"
                box.line = locator.map { Int(xmlTextReaderLocatorLineNumber($0)) } ?? 0
            }, Unmanaged.passUnretained(errors).toOpaque())
        }

        deinit { xmlFreeTextReader(reader) }

        func read() throws(ReportError) -> Bool { try check(xmlTextReaderRead(reader)) }

        /// Moves past the current element's subtree.
        func skip() throws(ReportError) -> Bool {
            return try check(xmlTextReaderNext(reader))
        }

        private func check(_ status: Int32) throws(ReportError) -> Bool {
            if status < 0 || errors.message != nil {
                throw .invalidReport(location: "\(path):\(errors.line > 0 ? errors.line : Int(xmlTextReaderGetParserLineNumber(reader)))",
                                     reason: "not well-formed XML: \(errors.message ?? "parse error")")
            }
            return status == 1
        }

        var nodeType: xmlReaderTypes { xmlReaderTypes(rawValue: UInt32(max(0, xmlTextReaderNodeType(reader)))) }
        var depth: Int { Int(xmlTextReaderDepth(reader)) }
        var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
        var name: String { xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "" }
        var value: String { xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? "" }
        /// `file:line` of the current node (the parser itself may have read further ahead).
        var location: String {
            let line = xmlTextReaderCurrentNode(reader).map { xmlGetLineNo($0) } ?? Int(xmlTextReaderGetParserLineNumber(reader))
            return "\(path):\(line)"
        }
        var parentIsProperties: Bool { open.last == "properties" }

        func attribute(_ name: String) -> String? {
            // Moving onto the attribute reads its value in place: nothing to free.
            guard xmlTextReaderMoveToAttribute(reader, name) == 1 else { return nil }
            defer { xmlTextReaderMoveToElement(reader) }
            return value
        }

        /// The current element's attributes, in document order.
        func attributes() -> [(String, String)] {
            var list: [(String, String)] = []
            guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return list }
            repeat { list.append((name, value)) } while xmlTextReaderMoveToNextAttribute(reader) == 1
            xmlTextReaderMoveToElement(reader)
            return list
        }

        /// Survey bookkeeping (the copy pass does not use it) of open elements (empty elements never open).
        func noteElement(_ name: String) { if !isEmptyElement { open.append(name) } }
        func noteEnd() { if !open.isEmpty { open.removeLast() } }
    }

    final class ErrorBox {
        var message: String?
        var line = 0
    }
}
