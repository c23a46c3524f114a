import ConformJSON
import Foundation
import Testing
@testable import ConformScenario

@Suite struct EvaluatorTests {
    let evaluator = Evaluator { _, value in value["ok"] == true ? [] : ["/ok: missing required property"] }
    let scope = Scope(variables: ["label": "abc", "n": 2])
    let body: JSON = ["label": "abc", "token": "dckr_oat_x1", "n": 2, "list": [1, 2, 3], "obj": ["k": 1], "ok": true,
                      "results": [["id": "a", "v": 1], ["id": "b", "v": 2]]]

    func check(_ a: Assertion, _ value: JSON?) -> AssertionFailure? {
        evaluator.check(a, value: value, subject: "/x", scope: scope)
    }

    @Test func everyAssertionKindPassesAndFails() throws {
        let cases: [(Assertion, JSON?, JSON?)] = [
            (.equals(.string(try Template(parsing: "{{label}}"))), "abc", "abd"),
            (.equals(.value(2)), 2.0, "2"),
            (.notEquals(.value("a")), "b", "a"),
            (.exists(true), "x", nil),
            (.exists(false), nil, "x"),
            (.type(["string"]), "x", 1),
            (.type(["integer"]), 3, 3.5),
            (.type(["string", "null"]), .null, 1),
            (.matches(Template(literal: "^dckr_oat_")), "dckr_oat_1", "pat_1"),
            (.contains(.value(2)), [1, 2], [3]),
            (.contains(.value("bc")), "abc", "xyz"),
            (.contains(.value("k")), ["k": 1], ["j": 1]),
            (.notContains(.value(2)), [1], [2]),
            (.length(3), [1, 2, 3], [1]),
            (.length(2), "ab", "abc"),
            (.minLength(1), "a", ""),
            (.maxLength(1), [1], [1, 2]),
            (.min(1), 1, 0.5),
            (.max(10), 10, 11),
            (.oneOf([.value("a"), .value("b")]), "b", "c"),
            (.schema(SchemaReference(source: .inline(true), baseFile: "", line: 1)), ["ok": true], ["ok": false]),
        ]
        for (assertion, good, bad) in cases {
            #expect(check(assertion, good) == nil, "\(assertion.name) should pass on \(String(describing: good))")
            #expect(check(assertion, bad) != nil, "\(assertion.name) should fail on \(String(describing: bad))")
        }
    }

    @Test func messagesSayWhatWasExpectedAndWhatCame() throws {
        let f = try #require(check(.equals(.value("abc")), "abd"))
        #expect(f.message == "/x: expected \"abc\", got \"abd\"")
        #expect(f.expected == "\"abc\"")
        #expect(f.actual == "\"abd\"")
        let missing = try #require(check(.type(["string"]), nil))
        #expect(missing.message.contains("missing"))
        let regex = try #require(check(.matches(Template(literal: "^a$")), 5))
        #expect(regex.message.contains("expected a string matching /^a$/, got integer 5"))
    }

    @Test func selectorsFindValuesByPointerAndPath() throws {
        #expect(try Evaluator.select(.pointer(JSONPointer(parsing: "/list/1")), in: body, scope: scope) == 2)
        #expect(try Evaluator.select(.path(Template(parsing: "$.results[?(@.id == 'b')].v")), in: body, scope: scope) == [2])
        #expect(try Evaluator.select(.path(Template(parsing: "$.results[0].id")), in: body, scope: scope) == "a")
        #expect(try Evaluator.select(.path(Template(parsing: "$.results[?(@.id == 'zz')]")), in: body, scope: scope) == [])
        #expect(try Evaluator.select(.pointer(JSONPointer(parsing: "/nope")), in: body, scope: scope) == nil)
    }

    /// The literal fast path of `RegexCache.matches` answers as ICU does, and leaves every pattern
    /// with a metacharacter or non-ASCII text to ICU.
    @Test func literalPatternsMatchLikeTheRegexEngine() throws {
        let patterns = ["^application/json", "application/json", "json", "^json", "^", "a", "^a", "^é", "é",
                        "^app.*json", #"^application\/json"#, "a|b", "(?i)json", "^ab c", "x-y_z,=;:!@%&~'\"<>`/#"]
        let texts = ["application/json", "application/json; charset=utf-8", "text/plain", "", "Application/JSON",
                     "xapplication/json", "é", "e\u{301}", "ab c", "x-y_z,=;:!@%&~'\"<>`/#", "a\napplication/json"]
        var literal = 0
        for pattern in patterns {
            let regex = try NSRegularExpression(pattern: pattern)
            for text in texts {
                let icu = regex.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
                #expect(try RegexCache.shared.matches(pattern, text) == icu, "\(pattern) in \(text.debugDescription)")
            }
            if RegexCache.literalMatch(pattern, "") != nil { literal += 1 }
        }
        #expect(literal == 8)  // the plain ASCII ones, anchored or not; not "^" alone
        #expect(RegexCache.literalMatch("^é", "é") == nil)
        #expect(RegexCache.literalMatch(#"a\.b"#, "a.b") == nil)
    }
}
