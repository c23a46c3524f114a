import ArgumentParser

/// conform's documented exit codes.
extension ExitCode {
    /// Nonconformance found: at least one check failed.
    static let nonconformance = ExitCode(1)
    /// Usage error or invalid scenario.
    static let usage = ExitCode(2)
    /// The harness could not do its job (unreachable target, transport errors).
    static let harness = ExitCode(3)
    /// Stopped by SIGINT or SIGTERM.
    static let interrupted = ExitCode(130)
}
