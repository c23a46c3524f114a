@testable import ConformReports
import Foundation
import Testing

/// `FileOutput` gathers libxml2's small pieces into large writes: the file must hold exactly the
/// bytes handed over, in order, whatever their sizes, and a failed write must surface.
@Suite struct FileOutputTests {
    @Test func piecesOfEverySizeArriveInOrder() throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/file-output.bin"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let output = FileOutput(fd: fd)
        var expected: [UInt8] = []
        // Below, at and above the buffer's capacity, and past several writeback steps.
        let sizes = [1, 4000, FileOutput.capacity - 4001, 1, FileOutput.capacity, 3, FileOutput.capacity + 1, 2_500_000, 17]
        for (i, size) in sizes.enumerated() {
            let piece = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }
            #expect(piece.withUnsafeBytes { output.append($0.baseAddress!, count: size) })
            expected += piece
        }
        #expect(output.flush())
        #expect(output.failure == 0)
        #expect(Fixture.bytes(path) == expected)
    }

    @Test func aFailedWriteIsReportedByTheXMLWriter() throws {
        // Not in reports/test-output: the file stays empty, and check-junit checks every file there.
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/readonly.xml"
        try #require(FileManager.default.createFile(atPath: path, contents: Data()))
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let xml = try XMLStreamWriter(fd: fd, path: path, indent: true)
        try xml.startDocument()
        try xml.start("testsuites")
        #expect {
            try xml.finish()
        } throws: { error in
            guard case ReportError.xml(let p, let reason) = error else { return false }
            return p == path && reason.contains(String(cString: strerror(EBADF)))
        }
    }
}
