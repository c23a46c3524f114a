/// Why a report could not be written or read.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A known secret was found in the finished bytes; the file was not written.
    case secretLeak(secretName: String, path: String)
    /// The file system refused: `operation` names what was tried, `reason` is the system's text.
    case io(path: String, operation: String, reason: String)
    /// libxml2's writer reported a failure.
    case xml(path: String, reason: String)
    /// A JSON report that cannot be read back: `location` is `file:line:column` when known.
    case invalidReport(location: String, reason: String)

    public var description: String {
        switch self {
        case .secretLeak(let name, let path):
            "refusing to write \(path): it would disclose the secret '\(name)' (report left unwritten)"
        case .io(let path, let operation, let reason):
            "cannot \(operation) \(path): \(reason)"
        case .xml(let path, let reason):
            "cannot write XML to \(path): \(reason)"
        case .invalidReport(let location, let reason):
            "\(location): \(reason)"
        }
    }
}
