import ConformJSON
import ConformScenario
import Foundation
import Synchronization

/// Every resource the run created and has not deleted yet, with the request that deletes it.
///
/// A step's `creates` adds an entry when the step receives a 2xx; any later DELETE of the
/// same URL answered 2xx or 404 settles it. What is left when a scenario ends (after its
/// cleanup steps) is deleted by the runner, newest first.
///
/// With a file, every change is appended to it as a JSON line as it happens, so that
/// `conform sweep` can delete what a crashed run (even `kill -9`) left behind. The file
/// never holds credentials: it keeps the request without them plus the `auth` as written in
/// the scenario (`{"bearer": "{{token}}"}`), which sweep renders with the variables it is given.
public final class CleanupLedger: Sendable {
    public struct Entry: Sendable {
        public var id: Int
        public var scenarioFile: String
        /// The execution that created the resource (its number in the run); cleans it up when it ends.
        public var owner: Int
        public var request: PreparedRequest
        /// How the request authenticates, as written in the scenario.
        public var auth: Auth?
    }

    private struct State {
        var nextID = 1
        /// Open entries by id, and the ids of those a request deletes, by method and URL (a run can
        /// hold hundreds open at once, and every DELETE looks its target up).
        var open: [Int: Entry] = [:]
        var byTarget: [String: [Int]] = [:]

        static func target(_ method: String, _ url: String) -> String { method + " " + url }

        mutating func remove(_ id: Int) -> Entry? {
            guard let entry = open.removeValue(forKey: id) else { return nil }
            let key = State.target(entry.request.method, entry.request.url)
            byTarget[key]?.removeAll { $0 == id }
            if byTarget[key]?.isEmpty == true { byTarget[key] = nil }
            return entry
        }

        /// Newest first.
        func entries(where include: (Entry) -> Bool) -> [Entry] {
            open.values.filter(include).sorted { $0.id > $1.id }
        }
    }

    private let state = Mutex(State())
    let file: LedgerFile?
    let runID: String

    public init(path: String? = nil, runID: String = RunConfiguration.newRunID()) {
        self.file = path.map(LedgerFile.init(path:))
        self.runID = runID
    }

    @discardableResult
    public func record(_ request: PreparedRequest, auth: Auth? = nil, scenarioFile: String, owner: Int) -> Entry {
        let entry = state.withLock { s in
            let e = Entry(id: s.nextID, scenarioFile: scenarioFile, owner: owner, request: request, auth: auth)
            s.nextID += 1
            s.open[e.id] = e
            s.byTarget[State.target(request.method, request.url), default: []].append(e.id)
            return e
        }
        file?.append(LedgerFile.openLine(entry, runID: runID))
        return entry
    }

    /// Settles the entries a completed request deleted.
    public func settle(method: String, url: String, status: Int) {
        guard (200..<300).contains(status) || status == 404 || status == 410 else { return }
        let settled = state.withLock { s in
            let ids = s.byTarget[State.target(method, url)] ?? []
            for id in ids { _ = s.remove(id) }
            return ids
        }
        for id in settled { file?.append(LedgerFile.settledLine(id: id, runID: runID)) }
    }

    public func settle(id: Int) {
        let removed = state.withLock { s in s.remove(id) != nil }
        if removed { file?.append(LedgerFile.settledLine(id: id, runID: runID)) }
    }

    /// Open entries of one execution, newest first.
    public func outstanding(owner: Int) -> [Entry] {
        state.withLock { s in s.entries { $0.owner == owner } }
    }

    public var allOutstanding: [Entry] { state.withLock { s in s.entries { _ in true } } }

    /// At the end of a run: drops this run's settled lines from the file (what is still open stays for sweep).
    public func compact() {
        file?.compact(keeping: { line in
            guard line["run"]?.stringValue == runID else { return true }
            return false
        }, append: allOutstanding.reversed().map { LedgerFile.openLine($0, runID: runID) })
    }
}

/// The ledger's JSON-lines file: `{"op":"open",…}` and `{"op":"settled",…}` records.
///
/// The file is opened once, at the first record, and kept open (appending), because opening it
/// for every record was most of a record's cost: two per resource, in every run.
final class LedgerFile: Sendable {
    let path: String
    /// The descriptor, opened on first use (-1 until then, or when it cannot be opened).
    private let descriptor = Mutex<Int32>(-1)

    init(path: String) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    }

    deinit {
        descriptor.withLock { fd in if fd >= 0 { close(fd) } }
    }

    static func openLine(_ e: CleanupLedger.Entry, runID: String) -> JSON {
        let r = e.request
        var url = r.url
        if !r.credentialQueryNames.isEmpty, var parts = URLComponents(string: url) {
            parts.queryItems = parts.queryItems?.filter { !r.credentialQueryNames.contains($0.name) }
            if parts.queryItems?.isEmpty == true { parts.queryItems = nil }
            url = parts.string ?? url
        }
        let headers = r.headers.filter { !r.credentialHeaderNames.contains($0.name.lowercased()) }
        var o: JSON.Object = [
            "op": "open", "run": .string(runID), "id": .number(Double(e.id)), "scenario": .string(e.scenarioFile),
            "method": .string(r.method), "url": .string(url),
            "headers": .object(JSON.Object(uniqueKeysWithValues: headers.map { ($0.name, JSON.string($0.value)) })),
            "created": .string(Scope.rfc3339(Date())),
        ]
        if let auth = e.auth { o["auth"] = auth.json }
        return .object(o)
    }

    static func settledLine(id: Int, runID: String) -> JSON {
        ["op": "settled", "run": .string(runID), "id": .number(Double(id))]
    }

    /// Appends one record under an exclusive lock (several runs may share the file).
    func append(_ line: JSON) {
        withLock { fd in
            var bytes = line.bytes
            bytes.append(UInt8(ascii: "\n"))
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }

    /// Rewrites the file keeping the lines `keeping` accepts, then `append`.
    func compact(keeping: (JSON) -> Bool, append: [JSON]) {
        withLock { fd in
            // Read through the descriptor: the file the records went to, whatever is at the path.
            guard let data = Self.readAll(fd) else { return }
            // One line at a time: the ledger of a long run has two lines per resource, and parsing them
            // all first was the largest allocation at the end of a 10,000-scenario run.
            var bytes: [UInt8] = []
            Self.forEachLine(of: data) { line in
                guard let json = try? JSONParser.value(line), keeping(json) else { return }
                bytes += json.bytes
                bytes.append(UInt8(ascii: "\n"))
            }
            for json in append {
                bytes += json.bytes
                bytes.append(UInt8(ascii: "\n"))
            }
            _ = ftruncate(fd, 0)
            _ = lseek(fd, 0, SEEK_SET)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }

    /// Runs `body` with the file's descriptor under an exclusive `flock`: other runs sharing the file
    /// append under the same lock, and compaction rewrites the file in place (same inode), so an open
    /// descriptor keeps appending to the current end. Records are written in order: one writer at a time.
    ///
    /// If the file was removed or replaced since it was opened (`rm -rf .conform`, a CI cache
    /// restore, which unlinks before it extracts), it is opened again, so records keep reaching the
    /// file `conform sweep` reads.
    func withLock(_ body: (Int32) -> Void) {
        descriptor.withLock { fd in
            if fd >= 0 && Self.isUnlinked(fd) {
                close(fd)
                fd = -1
            }
            if fd < 0 { fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
            guard fd >= 0 else { return }
            flock(fd, LOCK_EX)
            defer { flock(fd, LOCK_UN) }
            body(fd)
        }
    }

    /// Whether the file behind `fd` has no name left: removed, or replaced by a rename over it (the
    /// old file loses its last link either way). One `fstat`: comparing with a `stat` of the path
    /// cost a path walk on every record, 3 % of the transfer thread.
    static func isUnlinked(_ fd: Int32) -> Bool {
        var open = stat()
        return fstat(fd, &open) != 0 || open.st_nlink == 0
    }

    /// The whole file behind `fd`, read from its start.
    static func readAll(_ fd: Int32) -> Data? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
    }

    /// Every readable record (a line cut short by a crash is skipped).
    static func parse(_ data: Data) -> [JSON] {
        var records: [JSON] = []
        forEachLine(of: data) { if let json = try? JSONParser.value($0) { records.append(json) } }
        return records
    }

    /// Calls `body` with each non-empty line of `data`, found with `memchr` (`Data.split` walked it a
    /// byte at a time through generic code, a visible pause at the end of a long run).
    static func forEachLine(of data: Data, _ body: ([UInt8]) -> Void) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var start = 0
            while start < raw.count {
                let end = memchr(base + start, Int32(UInt8(ascii: "\n")), raw.count - start)
                    .map { UnsafeRawPointer($0) - base } ?? raw.count
                if end > start { body(Array(UnsafeRawBufferPointer(rebasing: raw[start..<end]))) }
                start = end + 1
            }
        }
    }

    /// Open entries of every run in the file: opened and not settled.
    static func openEntries(_ data: Data) -> [JSON] {
        let lines = parse(data)
        var settled = Set<String>()
        for l in lines where l["op"] == "settled" {
            settled.insert("\(l["run"]?.stringValue ?? ""):\(l["id"]?.numberValue ?? -1)")
        }
        return lines.filter { l in
            l["op"] == "open" && !settled.contains("\(l["run"]?.stringValue ?? ""):\(l["id"]?.numberValue ?? -1)")
        }
    }
}
