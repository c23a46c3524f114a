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
        let first = Interner.shared.intern(try JSONTemplate(ab), key: Interner.key(of: ab))
        let second = Interner.shared.intern(try JSONTemplate(ba), key: Interner.key(of: ba))
        guard case .object(let x) = first, case .object(let y) = second else { Issue.record("not objects"); return }
        #expect(x.map(\.0) == ["a", "b"] && y.map(\.0) == ["b", "a"])
    }

    /// A template shared from an earlier file is not parsed again, but its placeholders are still
    /// checked against what the new file declares, and reported where the new file has them.
    @Test func sharedTemplatesAreCheckedInEveryFile() throws {
        func text(declaring: Bool) -> String {
            let variables = declaring ? #""variables": {"shared-var-x": "1"},"# : ""
            return """
                {"conform": 1, "name": "n", \(variables)
                 "steps": [{"name": "s", "request": {"method": "POST", "path": "/interner-test/{{shared-var-x}}",
                            "json": {"v": "{{shared-var-x}}", "w": [1, 2]}}}]}
                """
        }
        let first = try ScenarioLoader.load(text: text(declaring: true), file: "first.json")
        #expect(first.steps.count == 1)
        // Shared now: the path template and the body were made from the same texts.
        #expect(Interner.shared.template(source: "/interner-test/{{shared-var-x}}") != nil)
        #expect(throws: Diagnostic.self) { try ScenarioLoader.load(text: text(declaring: false), file: "second.json") }
        do {
            _ = try ScenarioLoader.load(text: text(declaring: false), file: "second.json")
        } catch {
            #expect(error.location.file == "second.json" && error.location.line == 2, "\(error)")
            #expect(error.message.contains("unknown variable 'shared-var-x'"), "\(error)")
        }
    }
}
