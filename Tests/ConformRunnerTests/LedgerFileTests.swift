import ConformJSON
import Foundation
import Testing
@testable import ConformRunner

@Suite struct LedgerFileTests {
    /// The memchr line reader against `split`: empty lines skipped, a last line without a newline kept.
    @Test func linesAreSplitLikeSplittingOnNewlines() {
        for text in ["", "\n", "a", "a\n", "\na", "a\nb", "a\n\nb\n", "\n\n\n", "{\"op\":1}\n{\"op\":2}\n{\"op\":", "ü\nx"] {
            let data = Data(text.utf8)
            var lines: [[UInt8]] = []
            LedgerFile.forEachLine(of: data) { lines.append($0) }
            #expect(lines == data.split(separator: UInt8(ascii: "\n")).map { Array($0) }, "\(text.debugDescription)")
        }
    }

    /// Records go to one descriptor kept open; compaction rewrites the file in place, and later
    /// records still land at its end. A line cut short (a crash) is skipped when reading.
    @Test func recordsAndCompactionShareTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = LedgerFile(path: path)
        for id in 1...3 { file.append(["op": "open", "run": "r", "id": .number(Double(id))]) }
        file.compact(keeping: { $0["id"] != 2 }, append: [["op": "open", "run": "r", "id": 9]])
        file.append(["op": "settled", "run": "r", "id": 1])
        // A torn last line, as a kill -9 in the middle of a write leaves it.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"op":"open","run":"r","id":"#.utf8))
        try handle.close()
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(LedgerFile.parse(data).map { $0["id"]?.numberValue } == [1, 3, 9, 1])
        #expect(LedgerFile.openEntries(data).map { $0["id"]?.numberValue } == [3, 9])
    }
}
