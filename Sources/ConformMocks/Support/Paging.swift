/// Page windows over an ordered collection, with the pagination faults applied.
enum Paging {
    /// The indices a page holds.
    /// - `offByOne`: a full page holds one item fewer than `limit` (`< limit - 1`),
    ///   while the next page still starts `limit` further on, so items are skipped.
    /// - `duplicate`: pages after the first start one item early, repeating the
    ///   previous page's last item.
    static func window(count: Int, offset: Int, limit: Int?, offByOne: Bool = false, duplicate: Bool = false) -> Range<Int> {
        let start = min(duplicate && offset > 0 ? offset - 1 : offset, count)
        let remaining = count - start
        guard var take = limit.map({ min($0, remaining) }) else { return start..<count }
        if offByOne, let limit, limit - 1 < remaining { take = max(0, limit - 1) }
        return start..<(start + take)
    }

    /// A non-negative decimal integer (digits only, no sign), or `nil`.
    static func nonNegativeInteger(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }
}
