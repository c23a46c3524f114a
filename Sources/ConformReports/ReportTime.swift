import Foundation

/// Time and date texts in the exact forms the reports promise.
public enum ReportTime {
    /// Seconds with exactly three decimals (`%.3f`); negative or non-finite durations become `0.000`.
    public static func seconds(_ s: Double) -> String {
        // Integer arithmetic: String(format:) is slow (100k testcases) and locale-dependent.
        guard s.isFinite, s > 0 else { return "0.000" }
        let product = min(s, 9e12) * 1000
        // The exact error of the multiplication decides near-ties the way printf does.
        let error = (-product).addingProduct(min(s, 9e12), 1000)
        var whole = product.rounded(.down)
        let fraction = product - whole
        if fraction > 0.5 || (fraction == 0.5 && (error > 0 || (error == 0 && whole.truncatingRemainder(dividingBy: 2) == 1))) {
            whole += 1
        }
        let ms = Int64(whole)
        let frac = ms % 1000
        let pad = frac < 10 ? "00" : frac < 100 ? "0" : ""
        return "\(ms / 1000).\(pad)\(frac)"
    }

    /// `YYYY-MM-DDTHH:MM:SS` in UTC, as JUnit's `timestamp` wants it.
    public static func junitTimestamp(_ date: Date) -> String {
        let (tm, _) = utc(date)
        return "\(pad(Int(tm.tm_year) + 1900, 4))-\(pad(Int(tm.tm_mon) + 1, 2))-\(pad(Int(tm.tm_mday), 2))T"
            + "\(pad(Int(tm.tm_hour), 2)):\(pad(Int(tm.tm_min), 2)):\(pad(Int(tm.tm_sec), 2))"
    }

    /// ISO 8601 in UTC with milliseconds: `2025-01-31T12:34:56.789Z`.
    public static func iso8601(_ date: Date) -> String {
        let (_, ms) = utc(date)
        return junitTimestamp(date) + "." + pad(ms, 3) + "Z"
    }

    /// Parses what `iso8601` writes (milliseconds optional); `nil` for anything else.
    public static func parseISO8601(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for c in b[from..<(from + count)] {
                guard (0x30...0x39).contains(c) else { return nil }
                n = n * 10 + Int(c - 0x30)
            }
            return n
        }
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
              let year = num(0, 4), let month = num(5, 2), let day = num(8, 2),
              let hour = num(11, 2), let minute = num(14, 2), let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var ms = 0
        var i = 19
        if b[i] == 0x2E {
            i += 1
            let start = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > start, let digits = num(start, min(3, i - start)) else { return nil }
            ms = digits * [100, 10, 1][min(3, i - start) - 1]
        }
        guard i == b.count - 1, b[i] == 0x5A else { return nil }
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_sec = Int32(second)
        let t = timegm(&tm)
        return Date(timeIntervalSince1970: Double(t) + Double(ms) / 1000)
    }

    static func utc(_ date: Date) -> (tm, Int) {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var secs = time_t(totalMs >= 0 ? totalMs / 1000 : (totalMs - 999) / 1000)
        let ms = Int(totalMs - Int64(secs) * 1000)
        var out = tm()
        gmtime_r(&secs, &out)
        return (out, ms)
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
