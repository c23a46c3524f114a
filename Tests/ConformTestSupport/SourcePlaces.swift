/// Why line `line`, column `column` is not a real place in `bytes` (nil when it is): the check the
/// fuzz tests make of every diagnostic's location. Columns count scalar starts, as `LineIndex`
/// does, and may point one past a line's last character (its end).
public func sourcePlaceProblem(line: Int, column: Int, in bytes: [UInt8]) -> String? {
    var columns: [Int] = []  // the largest column of each line
    var current = 1
    for b in bytes {
        if b == UInt8(ascii: "\n") { columns.append(current + 1); current = 1; continue }
        if b & 0xC0 != 0x80 { current += 1 }
    }
    columns.append(current)
    guard line >= 1, line <= columns.count else { return "line \(line) of \(columns.count)" }
    guard column >= 1, column <= columns[line - 1] else {
        return "column \(column) of \(columns[line - 1]) on line \(line)"
    }
    return nil
}
