internal import CLibXML2
import Foundation

/// A thin, throwing wrapper over libxml2's streaming `xmlTextWriter`, writing UTF-8 to a file descriptor.
///
/// libxml2 escapes `& < > "` but writes characters XML forbids as they are, so every
/// string must come through `TextSanitizer` first (callers use `SafeText`).
final class XMLStreamWriter {
    private let writer: OpaquePointer
    private let path: String

    /// A writer on `fd`, which stays open and owned by the caller.
    init(fd: Int32, path: String, indent: Bool) throws(ReportError) {
        self.path = path
        guard let buffer = xmlOutputBufferCreateFd(fd, nil), let writer = xmlNewTextWriter(buffer) else {
            throw .xml(path: path, reason: "cannot create libxml2 writer")
        }
        self.writer = writer
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
    }

    deinit { xmlFreeTextWriter(writer) }

    func startDocument() throws(ReportError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start document")
    }

    func start(_ name: String) throws(ReportError) {
        try check(xmlTextWriterStartElement(writer, name), "start <\(name)>")
    }

    func attribute(_ name: String, _ value: String) throws(ReportError) {
        // Through `withCString`, which lends a native string's own bytes; passing the String where
        // libxml2 wants `xmlChar *` copied it into a new array on every call.
        let result = name.withCString { n in
            value.withCString { v in
                n.withMemoryRebound(to: xmlChar.self, capacity: 1) { n in
                    v.withMemoryRebound(to: xmlChar.self, capacity: 1) { v in xmlTextWriterWriteAttribute(writer, n, v) }
                }
            }
        }
        try check(result, "write attribute \(name)")
    }

    func text(_ content: String) throws(ReportError) {
        try check(xmlTextWriterWriteString(writer, content), "write text")
    }

    func cdata(_ content: String) throws(ReportError) {
        try check(xmlTextWriterWriteCDATA(writer, content), "write CDATA")
    }

    func end() throws(ReportError) {
        try check(xmlTextWriterEndElement(writer), "end element")
    }

    /// Closes open elements and pushes everything to the descriptor.
    func finish() throws(ReportError) {
        try check(xmlTextWriterEndDocument(writer), "end document")
        try check(xmlTextWriterFlush(writer), "flush")
    }

    /// `what` is built only on failure: an interpolated string per call was a visible cost at 100,000 testcases.
    private func check(_ result: Int32, _ what: @autoclosure () -> String) throws(ReportError) {
        if result < 0 { throw .xml(path: path, reason: "\(what()) failed (\(String(cString: strerror(errno))))") }
    }
}
