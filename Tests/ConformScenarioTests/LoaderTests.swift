import ConformJSON
import Testing
@testable import ConformScenario

@Suite struct LoaderTests {
    static let minimal = """
        {
          "conform": 1,
          "name": "lifecycle",
          "requires": ["org", "token"],
          "secrets": ["token"],
          "tags": ["smoke"],
          "variables": {"label": "conform-{{run.id}}"},
          "defaults": {"auth": {"bearer": "{{token}}"}},
          "steps": [
            {
              "id": "create",
              "name": "create a token",
              "request": {"method": "POST", "path": "/v2/orgs/{{org}}/access-tokens",
                          "json": {"label": "{{label}}", "resources": []}},
              "expect": {"status": 201,
                         "headers": {"Content-Type": {"matches": "json"}},
                         "body": {"/label": "{{label}}", "/token": {"type": "string", "minLength": 1},
                                  "$.resources": {"length": 0}}},
              "oneTimeSecret": {"pointer": "/token", "pattern": "^dckr_oat_", "capture": "oat"},
              "capture": {"id": "/id", "loc": {"header": "Location", "regex": "/([^/]+)$"}},
              "creates": {"method": "DELETE", "path": "/v2/orgs/{{org}}/access-tokens/{{id}}"}
            },
            {
              "name": "read it",
              "request": {"method": "GET", "path": "/v2/orgs/{{org}}/access-tokens/{{id}}"},
              "expect": {"status": [200], "body": {"/token": {"absent": true}}, "sameAs": {"step": "create", "fields": ["/label"]}}
            }
          ],
          "cleanup": [
            {"name": "delete", "request": {"method": "DELETE", "path": "/v2/orgs/{{org}}/access-tokens/{{id}}"},
             "expect": {"status": [204, 404]}}
          ]
        }
        """

    @Test func loadsEveryPartOfAScenario() throws {
        let s = try ScenarioLoader.load(text: Self.minimal, file: "x.conform.json")
        #expect(s.name == "lifecycle")
        #expect(s.requires == ["org", "token"])
        #expect(s.secrets == ["token"])
        #expect(s.steps.count == 2)
        #expect(s.cleanup.count == 1)
        let create = s.steps[0]
        #expect(create.id == "create")
        #expect(create.line == 10)
        guard case .request(let r) = create.action else { Issue.record("not a request"); return }
        #expect(r.method == "POST")
        #expect(create.expect.status?.matches(201) == true)
        #expect(create.expect.status?.matches(200) == false)
        #expect(create.expect.body.count == 3)
        #expect(create.oneTimeSecret?.pattern == "^dckr_oat_")
        #expect(create.captures.map(\.name) == ["id", "loc"])
        #expect(create.creates?.method == "DELETE")
        #expect(s.steps[1].expect.sameAs?.step == "create")
    }

    /// Each broken scenario yields exactly one error with the right place and words.
    @Test(arguments: [
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expct": {}}]}"#,
         "1:97", "unknown field 'expct' in 'steps[0]'; did you mean 'expect'?"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": 5, "path": "/x"}}]}"#,
         "1:75", "'steps[0].request.method' must be a string, not the number 5"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/{{nope}}"}}]}"#,
         "1:92", "unknown variable 'nope'"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expect": {"body": {"a/b": 1}}}]}"#,
         "1:117", "invalid JSON Pointer \"a/b\""),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expect": {"status": "2yy"}}]}"#,
         "1:118", "invalid status class"),
        (#"{"conform": 2, "name": "x", "steps": []}"#, "1:13", "unsupported scenario format version 2"),
        (#"{"conform": 1, "name": "x", "steps": []}"#, "1:38", "at least one step"),
        (#"{"conform": 1, "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}}]}"#, "1:1", "missing required field 'name'"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expect": {"body": {"/a": {"matches": "("}}}}]}"#,
         "1:135", "invalid regular expression"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/{{x"}}]}"#,
         "1:92", "unterminated placeholder"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "x"}}]}"#,
         "1:90", "'path' must start with '/'"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "capture": {"id": "/id"}}, {"name": "b", "request": {"method": "GET", "path": "/{{idd}}"}}]}"#,
         "1:177", "unknown variable 'idd'; did you mean 'id'?"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expect": {"sameAs": {"step": "zz", "fields": []}}}]}"#,
         "1:127", "no earlier step has that id"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "expect": {"body": {"$.a[": 1}}}]}"#,
         "1:117", "invalid JSONPath"),
        // Found by LoadTests: a variable named like a built-in placeholder was accepted, but
        // `{{uuid}}` is the generator, so the scenario silently used a fresh value instead.
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "capture": {"uuid": "/id"}}]}"#,
         "1:109", "'uuid' cannot be a variable name: {{uuid}} is a built-in placeholder and would never read it"),
        (#"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "oneTimeSecret": {"pointer": "/s", "capture": "timestamp"}}]}"#,
         "1:143", "'timestamp' cannot be a variable name"),
        (#"{"conform": 1, "name": "x", "variables": {"now": "1"}, "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}}]}"#,
         "1:43", "'now' cannot be a variable name"),
        (#"{"conform": 1, "name": "x", "requires": ["env.HOME"], "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}}]}"#,
         "1:42", "'env.HOME' cannot be a variable name"),
    ])
    func reportsOnePreciseErrorPerBrokenScenario(text: String, at: String, message: String) {
        do {
            _ = try ScenarioLoader.load(text: text, file: "bad.conform.json")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description.hasPrefix("bad.conform.json:\(at): "), "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func aCaptureIsUnknownBeforeItsStepButKnownInCleanup() throws {
        let early = #"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/{{id}}"}, "capture": {"id": "/id"}}]}"#
        #expect(throws: Diagnostic.self) { try ScenarioLoader.load(text: early) }
        let cleanup = #"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "GET", "path": "/x"}, "capture": {"id": "/id"}}], "cleanup": [{"name": "c", "request": {"method": "DELETE", "path": "/{{id}}"}}]}"#
        #expect(try ScenarioLoader.load(text: cleanup).cleanup.count == 1)
    }

    @Test func exportsMustBeCapturedAndAreNotRequired() throws {
        let login = #"{"conform": 1, "name": "x", "requires": ["user", "token"], "exports": ["token"], "steps": [{"name": "a", "request": {"method": "POST", "path": "/login"}, "capture": {"token": "/t"}}]}"#
        let scenario = try ScenarioLoader.load(text: login)
        #expect(scenario.exports == ["token"])
        #expect(scenario.requires == ["user"], "an exporter captures what it exports")
        let unknown = #"{"conform": 1, "name": "x", "exports": ["token"], "steps": [{"name": "a", "request": {"method": "POST", "path": "/login"}, "capture": {"jwt": "/t"}}]}"#
        do {
            _ = try ScenarioLoader.load(text: unknown, file: "login.conform.json")
            Issue.record("an export nothing captures was accepted")
        } catch {
            #expect(error.description == "login.conform.json:1:41: cannot export 'token': no step of this scenario captures it")
        }
    }

    @Test func repeatMakesIterationKnownOnlyInsideTheStep() throws {
        let ok = #"{"conform": 1, "name": "x", "steps": [{"name": "a", "repeat": 3, "request": {"method": "POST", "path": "/t", "json": {"n": "t{{iteration}}"}}}]}"#
        #expect(try ScenarioLoader.load(text: ok).steps[0].repeatCount == 3)
        let bad = #"{"conform": 1, "name": "x", "steps": [{"name": "a", "request": {"method": "POST", "path": "/t{{iteration}}"}}]}"#
        #expect(throws: Diagnostic.self) { try ScenarioLoader.load(text: bad) }
    }

    @Test func truncatedAndInvalidFilesFailWithPositions() {
        for (text, at) in [("{\"conform\": 1, \"name\": ", "1:24"), ("{\"conform\": 1,\n  \"name\": \"x\",\n  \"steps\": [\n", "4:1")] {
            do { _ = try ScenarioLoader.load(text: text, file: "t.json"); Issue.record("no error") } catch {
                #expect(error.description.hasPrefix("t.json:\(at): "), "\(error)")
            }
        }
    }
}
