internal import CLibXML2
import Foundation

/// A thin, throwing wrapper over libxml2's streaming `xmlTextWriter`, writing UTF-8 to a file descriptor.
///
/// libxml2 escapes `& < > "` but writes characters XML forbids as they are, so every
/// string must come through `TextSanitizer` first (callers use `SafeText`).
final class XMLStreamWriter {
    private let writer: OpaquePointer
    private let path: String
    private let output: FileOutput

    /// A writer on `fd`, which stays open and owned by the caller.
    init(fd: Int32, path: String, indent: Bool) throws(ReportError) {
        self.path = path
        output = FileOutput(fd: fd)
        // libxml2 hands over its output in 4 KB pieces; `FileOutput` gathers them into large writes.
        let write: xmlOutputWriteCallback = { context, bytes, count in
            let output = Unmanaged<FileOutput>.fromOpaque(context!).takeUnretainedValue()
            return output.append(UnsafeRawPointer(bytes!), count: Int(count)) ? count : -1
        }
        // Unretained: `self` keeps `output` alive until the libxml2 writer is freed in `deinit`.
        guard let buffer = xmlOutputBufferCreateIO(write, nil, Unmanaged.passUnretained(output).toOpaque(), nil),
              let writer = xmlNewTextWriter(buffer) else {
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
        try check(Self.withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "start <\(name)>")
    }

    func attribute(_ name: String, _ value: String) throws(ReportError) {
        let result = Self.withXMLChars(name) { n in Self.withXMLChars(value) { v in xmlTextWriterWriteAttribute(writer, n, v) } }
        try check(result, "write attribute \(name)")
    }

    func text(_ content: String) throws(ReportError) {
        try check(Self.withXMLChars(content) { xmlTextWriterWriteString(writer, $0) }, "write text")
    }

    func cdata(_ content: String) throws(ReportError) {
        try check(Self.withXMLChars(content) { xmlTextWriterWriteCDATA(writer, $0) }, "write CDATA")
    }

    /// `s` lent to libxml2 as a C string through `withCString`, which lends a native string's own
    /// bytes; passing the String where libxml2 wants `xmlChar *` copied it into a new array on every call.
    private static func withXMLChars(_ s: String, _ body: (UnsafePointer<xmlChar>) -> Int32) -> Int32 {
        s.withCString { $0.withMemoryRebound(to: xmlChar.self, capacity: 1, body) }
    }

    func end() throws(ReportError) {
        try check(xmlTextWriterEndElement(writer), "end element")
    }

    /// Closes open elements and pushes everything to the descriptor.
    func finish() throws(ReportError) {
        try check(xmlTextWriterEndDocument(writer), "end document")
        try check(xmlTextWriterFlush(writer), "flush")
        try check(output.flush() ? 0 : -1, "write")
    }

    /// `what` is built only on failure: an interpolated string per call was a visible cost at 100,000 testcases.
    private func check(_ result: Int32, _ what: @autoclosure () -> String) throws(ReportError) {
        guard result < 0 else { return }
        let code = output.failure != 0 ? output.failure : errno
        throw .xml(path: path, reason: "\(what()) failed (\(String(cString: strerror(code))))")
    }
}

/// Where the writer's bytes go: a file descriptor, in writes of a quarter megabyte.
///
/// After each megabyte written, the kernel is asked to start writing it to disk, so the fsync
/// that makes a large report durable waits for the tail only, not for the whole file (that wait
/// was a fifth of writing 100,000 testcases).
final class FileOutput {
    let fd: Int32
    /// `errno` of the first failed write, 0 while none failed.
    private(set) var failure: Int32 = 0
    private let buffer: UnsafeMutableRawPointer
    private var used = 0
    /// Bytes written to `fd`, and how many of them have been handed to the kernel's writeback.
    private var written: Int64 = 0
    private var writebackStarted: Int64 = 0
    static let capacity = 256 * 1024
    static let writebackStep: Int64 = 1 << 20

    init(fd: Int32) {
        self.fd = fd
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Takes `count` bytes; `false` once a write failed.
    func append(_ bytes: UnsafeRawPointer, count: Int) -> Bool {
        guard failure == 0 else { return false }
        if used + count > Self.capacity, !flush() { return false }
        if count >= Self.capacity { return writeAll(bytes, count: count) }
        (buffer + used).copyMemory(from: bytes, byteCount: count)
        used += count
        return true
    }

    /// Writes out what is buffered; `false` once a write failed.
    func flush() -> Bool {
        guard failure == 0 else { return false }
        let n = used
        used = 0
        return writeAll(buffer, count: n)
    }

    private func writeAll(_ bytes: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = Glibc.write(fd, bytes + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                return false
            }
            offset += n
        }
        written += Int64(count)
        if written - writebackStarted >= Self.writebackStep {
            // Only a hint: a failure here changes nothing, the caller's fsync decides.
            _ = conform_start_writeback(fd, writebackStarted, written - writebackStarted)
            writebackStarted = written
        }
        return true
    }
}
