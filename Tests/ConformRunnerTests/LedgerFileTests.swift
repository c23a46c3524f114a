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

    /// The ledger file removed in the middle of a run (`rm -rf .conform`): the next record opens
    /// a new one, so what is still open reaches a file `conform sweep` can read.
    @Test func aRemovedLedgerFileIsOpenedAgain() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)").path
        let path = dir + "/ledger.jsonl"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = LedgerFile(path: path)
        file.append(["op": "open", "run": "r", "id": 1])
        try FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        file.append(["op": "open", "run": "r", "id": 2])
        let recreated = try #require(FileManager.default.contents(atPath: path))
        #expect(LedgerFile.parse(recreated).map { $0["id"]?.numberValue } == [2])
        // Replaced by another file renamed over it (a cache restore): records go to the new one,
        // compaction keeps its lines.
        let replacement = dir + "/replacement"
        try Data(#"{"op":"open","run":"other","id":7}"#.utf8 + [10]).write(to: URL(fileURLWithPath: replacement))
        #expect(rename(replacement, path) == 0)
        file.append(["op": "open", "run": "r", "id": 3])
        let before = try #require(FileManager.default.contents(atPath: path))
        #expect(LedgerFile.parse(before).map { $0["id"]?.numberValue } == [7, 3])
        file.compact(keeping: { $0["id"] != 3 }, append: [])
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(LedgerFile.parse(data).map { $0["id"]?.numberValue } == [7])
    }

    /// Which entries a DELETE settles, which stay open, and the newest-first order of what is left.
    @Test func theLedgerSettlesByTargetAndKeepsTheRestNewestFirst() {
        func delete(_ url: String) -> PreparedRequest {
            PreparedRequest(method: "DELETE", url: url, headers: [], body: nil, credentials: [], credentialHeaderNames: [],
                            credentialQueryNames: [], timeout: nil, followRedirects: false)
        }
        let ledger = CleanupLedger()
        ledger.record(delete("http://h/t/1"), scenarioFile: "a", owner: 1)
        ledger.record(delete("http://h/t/2"), scenarioFile: "a", owner: 1)
        ledger.record(delete("http://h/t/1"), scenarioFile: "b", owner: 2)  // the same URL, created twice
        ledger.record(delete("http://h/t/3"), scenarioFile: "b", owner: 2)
        #expect(ledger.allOutstanding.map(\.id) == [4, 3, 2, 1])
        ledger.settle(method: "DELETE", url: "http://h/t/1", status: 500)  // not deleted: nothing settles
        ledger.settle(method: "GET", url: "http://h/t/2", status: 200)     // another method: nothing settles
        #expect(ledger.allOutstanding.count == 4)
        ledger.settle(method: "DELETE", url: "http://h/t/1", status: 404)  // gone: both entries for it settle
        #expect(ledger.allOutstanding.map(\.id) == [4, 2])
        #expect(ledger.outstanding(owner: 1).map(\.id) == [2])
        #expect(ledger.outstanding(owner: 2).map(\.id) == [4])
        ledger.settle(id: 4)
        ledger.settle(method: "DELETE", url: "http://h/t/2", status: 204)
        #expect(ledger.allOutstanding.isEmpty)
        // A URL settled and then created again is open again.
        ledger.record(delete("http://h/t/2"), scenarioFile: "a", owner: 1)
        #expect(ledger.outstanding(owner: 1).map(\.id) == [5])
    }
}
