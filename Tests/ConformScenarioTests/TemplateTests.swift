import ConformJSON
import ConformTestSupport
import Foundation
import Testing
@testable import ConformScenario

@Suite struct TemplateTests {
    let scope = Scope(variables: ["org": "acme", "n": 3, "ids": ["a", "b"], "run.id": "r1"],
                      environment: ["HOME_ORG": "envorg"],
                      clock: { Date(timeIntervalSince1970: 1_700_000_000) })

    @Test func rendersVariablesEnvironmentAndBuiltins() throws {
        #expect(try Template(parsing: "/orgs/{{org}}/x").render(in: scope) == "/orgs/acme/x")
        #expect(try Template(parsing: "{{ env.HOME_ORG }}-{{run.id}}").render(in: scope) == "envorg-r1")
        // Tabs and space separators around the name are trimmed; braces are found on bytes, after any text.
        #expect(try Template(parsing: "é{{\u{00A0}\torg\t}}{{n}}}").render(in: scope) == "éacme3}")
        #expect(throws: Template.ParseError.self) { try Template(parsing: "a{{org}") }
        #expect(try Template(parsing: "{{now}}").render(in: scope) == "2023-11-14T22:13:20Z")
        #expect(try Template(parsing: "{{now+1d}}").render(in: scope) == "2023-11-15T22:13:20Z")
        #expect(try Template(parsing: "{{now-2h}}").render(in: scope) == "2023-11-14T20:13:20Z")
        #expect(try Template(parsing: "{{timestamp}}").render(in: scope) == "1700000000")
        let u1 = try Template(parsing: "{{uuid}}").render(in: scope)
        let u2 = try Template(parsing: "{{uuid}}").render(in: scope)
        #expect(u1 != u2)
        #expect(UUID(uuidString: u1) != nil)
    }

    @Test func aSolePlaceholderKeepsItsJSONType() throws {
        #expect(try Template(parsing: "{{n}}").renderJSON(in: scope) == 3)
        #expect(try Template(parsing: "n={{n}}").renderJSON(in: scope) == "n=3")
        let body = try JSONTemplate(["count": "{{n}}", "ids": "{{ids}}", "label": "x-{{org}}", "fixed": true])
        #expect(try body.render(in: scope) == ["count": 3, "ids": ["a", "b"], "label": "x-acme", "fixed": true])
    }

    @Test func missingValuesAreErrorsNotEmptyStrings() {
        #expect(throws: InterpolationError.self) { try Template(parsing: "{{missing}}").render(in: scope) }
        #expect(throws: InterpolationError.self) { try Template(parsing: "{{env.NOPE}}").render(in: scope) }
    }

    @Test(arguments: ["{{}}", "{{a b}}", "{{now+5x}}", "{{now+}}", "{{env.}}", "abc {{x",
                      "{{now+366001d}}", "{{now-31622400001s}}", "{{now+999999999999999d}}", "{{now+9223372036854775807s}}"])
    func rejectsMalformedPlaceholders(text: String) {
        #expect(throws: Template.ParseError.self) { try Template(parsing: text) }
    }
}

/// The scalar tests behind variable names, pinned to the Foundation character sets they replaced.
@Suite struct IdentifierTests {
    @Test func identifierScalarsMatchFoundationsLettersAndAlphanumerics() {
        var checked = 0
        // Every BMP scalar and a sample of the supplementary planes, as a first character and after "a";
        // those assigned by Unicode 8, as Foundation's tables on Linux are of an older version than the
        // standard library's (U+17028, a Tangut letter of Unicode 9, is a letter only for the latter).
        let scalars = (0..<0x1_0000).lazy.compactMap(Unicode.Scalar.init)
            + stride(from: 0x1_0000, to: 0x11_0000, by: 97).lazy.compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            guard let age = scalar.properties.age, age.major <= 8 else { continue }
            let c = String(Character(scalar))
            let first = scalar == "_" || CharacterSet.letters.contains(scalar)
            let next = first || scalar == "-" || CharacterSet.alphanumerics.contains(scalar)
            if Placeholder.isIdentifier(c, allowDots: false) != first || Placeholder.isIdentifier("a" + c, allowDots: false) != next {
                Issue.record("U+\(String(scalar.value, radix: 16, uppercase: true)) differs")
                return
            }
            checked += 1
        }
        #expect(checked > 60_000)
        #expect(Placeholder.isIdentifier("a.b", allowDots: true) && !Placeholder.isIdentifier("a.b", allowDots: false))
    }
}

@Suite struct ScopeTimeTests {
    /// The hand-made RFC 3339 text against Foundation's formatter, on dates from 1970 to 2200.
    @Test func rfc3339MatchesFoundationsISO8601Style() {
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        var rng = SplitMix64(seed: 3339)
        let dates = [0, 1, 59.999, 951_782_400, 4_102_444_800] + (0..<2_000).map { _ in Double(rng.next() % 7_258_118_400) + Double(rng.next() % 1000) / 1000 }
        for seconds in dates {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Scope.rfc3339(date) == date.formatted(style), "\(seconds)")
        }
        #expect(Scope.rfc3339(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    /// The widest offsets a template accepts render; times beyond any calendar do not crash.
    @Test func extremeTimesRenderWithoutCrashing() throws {
        let scope = Scope(variables: [:], environment: [:], clock: { Date(timeIntervalSince1970: 1_700_000_000) })
        #expect(try Template(parsing: "{{now+366000d}}").render(in: scope).hasPrefix("30"))
        #expect(try Template(parsing: "{{now-366000d}}").render(in: scope).hasPrefix("10"))
        for seconds in [1e19, -1e19, 1e300] {
            #expect(!Scope.rfc3339(Date(timeIntervalSince1970: seconds)).isEmpty)
        }
    }
}
