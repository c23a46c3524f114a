import ConformJSON
import Foundation

/// The values placeholders render from while a scenario runs.
public struct Scope: Sendable {
    public var variables: [String: JSON]
    public var environment: [String: String]
    public var clock: @Sendable () -> Date

    public init(variables: [String: JSON] = [:], environment: [String: String] = [:],
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.variables = variables
        self.environment = environment
        self.clock = clock
    }

    public subscript(name: String) -> JSON? {
        get { variables[name] }
        set { variables[name] = newValue }
    }

    public func value(of placeholder: Placeholder) throws(InterpolationError) -> JSON {
        switch placeholder {
        case .variable(let name):
            guard let v = variables[name] else { throw InterpolationError("variable '\(name)' has no value") }
            return v
        case .environment(let name):
            guard let v = environment[name] else { throw InterpolationError("environment variable '\(name)' is not set") }
            return .string(v)
        case .uuid:
            return .string(UUID().uuidString.lowercased())
        case .now(let offset):
            return .string(Scope.rfc3339(clock().addingTimeInterval(TimeInterval(offset))))
        case .timestamp:
            return .number(clock().timeIntervalSince1970.rounded(.down))
        }
    }

    /// `2026-11-23T08:47:35Z`: RFC 3339 in UTC, whole seconds.
    ///
    /// Formatted from the calendar fields `gmtime_r` gives: Foundation's `ISO8601FormatStyle` cost
    /// microseconds per call, and every resource recorded in the cleanup ledger carries a time.
    public static func rfc3339(_ date: Date) -> String {
        var t = tm()
        // A time too far out for time_t or gmtime_r (the clock of a test, say) gets Foundation's text.
        guard var seconds = time_t(exactly: date.timeIntervalSince1970.rounded(.down)), gmtime_r(&seconds, &t) != nil else {
            return date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = Int(t.tm_year) + 1900
        let yearText = year >= 1000 ? "\(year)" : String(repeating: "0", count: max(0, 4 - "\(year)".count)) + "\(year)"
        return "\(yearText)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))Z"
    }
}
