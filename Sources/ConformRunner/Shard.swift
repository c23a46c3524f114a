/// One of `count` disjoint parts of a scenario set, so CI machines can split a run (`--shard K/N`).
///
/// Every machine loads the same set and keeps its own part. Scenarios are ordered by a stable
/// hash of their id (FNV-1a, the same on every machine and every run, unlike Swift's seeded
/// `Hasher`) and dealt out in turn, so the parts differ in size by at most one and the order
/// in which files were found does not matter.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based: `1...count`.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else { throw ShardError("the number of shards must be at least 1") }
        guard (1...count).contains(index) else { throw ShardError("shard \(index) is not between 1 and \(count)") }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`, e.g. `2/4`.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError("expected K/N, e.g. 2/4 (got '\(text)')")
        }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The items of this shard, in their original order.
    public func select<Item>(_ items: [Item], id: (Item) -> String) -> [Item] {
        let ranked = items.indices.map { (hash: Self.fnv1a(id(items[$0])), id: id(items[$0]), position: $0) }
            .sorted { ($0.hash, $0.id, $0.position) < ($1.hash, $1.id, $1.position) }
        let mine = ranked.enumerated().filter { $0.offset % count == index - 1 }.map(\.element.position)
        return mine.sorted().map { items[$0] }
    }

    /// A scenario file's id for sharding: its path relative to `directory` (the working directory)
    /// when it lies inside it, without `./` segments, so machines with checkouts in different
    /// places agree as long as they pass the same paths.
    public static func id(ofPath path: String, relativeTo directory: String) -> String {
        let absolute = path.hasPrefix("/")
        var segments = path.split(separator: "/").filter { $0 != "." }
        let base = directory.split(separator: "/").filter { $0 != "." }
        if absolute, directory.hasPrefix("/"), segments.starts(with: base) {
            segments.removeFirst(base.count)
            return segments.joined(separator: "/")
        }
        return (absolute ? "/" : "") + segments.joined(separator: "/")
    }

    /// 64-bit FNV-1a of the UTF-8 bytes (written here: no listed package offers a stable string hash).
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

public struct ShardError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
