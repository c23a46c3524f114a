/// Caps a text at a number of UTF-8 bytes, with a visible marker saying how much was cut.
public enum TextLimit {
    /// The marker appended to a cut text.
    public static func marker(droppedBytes: Int) -> String { "[truncated \(droppedBytes) bytes]" }

    /// `text` if it fits in `maxBytes` UTF-8 bytes; otherwise its longest head that fits together
    /// with a `[truncated N bytes]` line, cut on a Unicode scalar boundary.
    public static func capped(_ text: String, maxBytes: Int) -> String {
        let total = text.utf8.count
        guard total > maxBytes else { return text }
        // Reserve room for the marker; N has at most as many digits as the total.
        let reserve = 1 + marker(droppedBytes: total).utf8.count
        var keep = max(0, maxBytes - reserve)
        let utf8 = text.utf8
        var end = utf8.index(utf8.startIndex, offsetBy: keep)
        // Step back over continuation bytes so no scalar is split.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
            keep -= 1
        }
        let head = String(decoding: utf8[..<end], as: UTF8.self)
        let separator = head.isEmpty || head.hasSuffix("\n") ? "" : "\n"
        return head + separator + marker(droppedBytes: total - keep)
    }
}
