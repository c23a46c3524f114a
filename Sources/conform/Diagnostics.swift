import ConformJSON
import Foundation

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes to standard output without buffering surprises (progress lines, JSON announcements).
func printOut(_ message: String, terminator: String = "\n") {
    FileHandle.standardOutput.write(Data((message + terminator).utf8))
}
