import ConformRunner
import Foundation

/// Writes report files atomically, and never with a known secret in them.
///
/// The bytes go to a temporary file in the destination's directory; that file is scanned
/// for every known secret in every spelling the `Redactor` knows, and only a clean file is
/// renamed over `path`. A reader (CI uploading artifacts) sees the old file or the whole
/// new one, never half of it; a hit removes the temporary file and leaves `path` as it was.
public struct ReportFileWriter: Sendable {
    let redactor: Redactor
    /// Bytes kept between scan chunks so a secret across a chunk border is still found.
    let overlap: Int
    static let chunkSize = 1 << 20

    public init(secrets: [KnownSecret]) {
        redactor = Redactor(secrets: secrets)
        // The longest spelling of a secret is at most 6 bytes per byte (`&quot;`, `\u0001`).
        overlap = 6 * (secrets.map(\.value.utf8.count).max() ?? 0) + 6
    }

    /// Writes `bytes` to `path` atomically, unless they contain a known secret.
    public func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        if let name = firstLeak(in: bytes) { throw .secretLeak(secretName: name, path: path) }
        try write(to: path, scan: false) { (fd: Int32) throws(ReportError) in
            try Self.writeAll(bytes, to: fd, path: path)
        }
    }

    /// Lets `produce` fill a new temporary file next to `path` through its descriptor,
    /// then scans the file and renames it over `path`. `produce` must not close the descriptor.
    public func write(to path: String, _ produce: (Int32) throws(ReportError) -> Void) throws(ReportError) {
        try write(to: path, scan: true, produce)
    }

    /// The name of the first known secret in `bytes`, or `nil`.
    public func firstLeak(in bytes: [UInt8]) -> String? { redactor.firstLeak(in: bytes) }

    /// The name of the first known secret in the file at `path`, read in chunks so memory stays flat.
    public func firstLeak(inFileAt path: String) throws(ReportError) -> String? {
        guard !redactor.isEmpty else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.ioError(path, "open") }
        defer { close(fd) }
        var window: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, Self.chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.ioError(path, "read")
            }
            if n == 0 { return nil }
            window.append(contentsOf: chunk[0..<n])
            if let name = redactor.firstLeak(in: window) { return name }
            window.removeFirst(max(0, window.count - overlap))
        }
    }

    func write(to path: String, scan: Bool, _ produce: (Int32) throws(ReportError) -> Void) throws(ReportError) {
        let directory = Self.directory(of: path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory, operation: "create directory", reason: error.localizedDescription)
        }
        let base = path.split(separator: "/").last.map(String.init) ?? "report"
        let temporary = "\(directory)/.\(base).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        // 0o666 lets the umask decide, as for any file the user creates.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Self.ioError(temporary, "create") }
        var keep = false
        defer { if !keep { unlink(temporary) } }
        do throws(ReportError) {
            try produce(fd)
            guard fsync(fd) == 0 else { throw Self.ioError(temporary, "sync") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw Self.ioError(temporary, "close") }
        if scan, let name = try firstLeak(inFileAt: temporary) { throw .secretLeak(secretName: name, path: path) }
        guard rename(temporary, path) == 0 else { throw Self.ioError(path, "rename \(temporary) to") }
        keep = true
    }

    static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(ReportError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError(path, "write")
            }
            offset += n
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func ioError(_ path: String, _ operation: String) -> ReportError {
        .io(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
