import ConformRunner
import Testing

/// `--shard K/N`: a partition that every CI machine computes alike.
@Suite struct ShardTests {
    static let ids = (1...101).map { "scenarios/api\($0 % 3)/\($0)-case.conform.json" }

    @Test func everyScenarioIsInExactlyOneShard() throws {
        for count in 1...8 {
            let parts = try (1...count).map { try Shard(index: $0, count: count).select(Self.ids) { $0 } }
            let all = parts.flatMap { $0 }
            #expect(all.count == Self.ids.count, "\(count) shards")
            #expect(Set(all) == Set(Self.ids), "\(count) shards")
            let sizes = parts.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1, "balanced: \(sizes)")
        }
    }

    @Test func theSplitDoesNotDependOnTheOrderFilesWereFound() throws {
        var generator = SystemRandomNumberGenerator()
        let shard = try Shard(index: 2, count: 5)
        let reference = Set(shard.select(Self.ids) { $0 })
        for _ in 0..<5 {
            let shuffled = Self.ids.shuffled(using: &generator)
            let part = shard.select(shuffled) { $0 }
            #expect(Set(part) == reference)
            #expect(part == shuffled.filter(reference.contains), "the shard keeps the input order")
        }
    }

    /// Stable across runs and machines: FNV-1a's published test vectors, not a seeded hash.
    @Test func theHashIsFNV1a() {
        #expect(Shard.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.fnv1a("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func parsing() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        #expect(try Shard(parsing: "1/1").description == "1/1")
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", "", "/"] {
            #expect(throws: ShardError.self, "\(bad)") { try Shard(parsing: bad) }
        }
        do {
            _ = try Shard(parsing: "4/3")
            Issue.record("4/3 was accepted")
        } catch {
            #expect(error.description == "shard 4 is not between 1 and 3")
        }
    }

    @Test func idsAreRelativeToTheWorkingDirectory() {
        #expect(Shard.id(ofPath: "/builds/a/scenarios/x.conform.json", relativeTo: "/builds/a") == "scenarios/x.conform.json")
        #expect(Shard.id(ofPath: "./scenarios/./x.conform.json", relativeTo: "/builds/a") == "scenarios/x.conform.json")
        #expect(Shard.id(ofPath: "scenarios/x.conform.json", relativeTo: "/elsewhere") == "scenarios/x.conform.json")
        #expect(Shard.id(ofPath: "/other/x.conform.json", relativeTo: "/builds/a") == "/other/x.conform.json")
        #expect(Shard.id(ofPath: "/builds/ab/x.conform.json", relativeTo: "/builds/a") == "/builds/ab/x.conform.json")
    }
}
