import ConformJSON
@testable import ConformScenario
import Testing

/// Loaded scenarios share repeated texts, but only byte-identical ones: a request carries exactly
/// the bytes its file has.
@Suite struct InternerTests {
    @Test func canonicallyEquivalentTextsStayDistinct() throws {
        let composed = "caf\u{E9} au lait, a long name", decomposed = "cafe\u{301} au lait, a long name"
        #expect(composed == decomposed, "Swift calls them equal")
        let a = Interner.shared.intern(composed), b = Interner.shared.intern(decomposed)
        #expect(Array(a.utf8) == Array(composed.utf8))
        #expect(Array(b.utf8) == Array(decomposed.utf8))
        let ta = Interner.shared.intern(try Template(parsing: composed + " {{x}}"))
        let tb = Interner.shared.intern(try Template(parsing: decomposed + " {{x}}"))
        #expect(Array(ta.source.utf8) != Array(tb.source.utf8))
    }

    @Test func jsonTemplatesKeepTheirMemberOrder() throws {
        let ab = try JSONParser.value(Array(#"{"a":1,"b":"{{x}}"}"#.utf8))
        let ba = try JSONParser.value(Array(#"{"b":"{{x}}","a":1}"#.utf8))
        #expect(ab == ba, "JSON equality ignores member order")
        let first = Interner.shared.intern(try JSONTemplate(ab), madeFrom: ab)
        let second = Interner.shared.intern(try JSONTemplate(ba), madeFrom: ba)
        guard case .object(let x) = first, case .object(let y) = second else { Issue.record("not objects"); return }
        #expect(x.map(\.0) == ["a", "b"] && y.map(\.0) == ["b", "a"])
    }
}
