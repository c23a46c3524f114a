import Testing
@testable import ConformJSON

@Suite struct JSONParserTests {
    @Test func parsesAllValueKindsAndKeepsMemberOrder() throws {
        let doc = try JSONParser.parse(#"{"b": [1, 2.5, -3e2], "a": {"x": null, "y": true}, "s": "h\u00e9\n\ud83d\ude00"}"#)
        #expect(doc.root["b"] == [1, 2.5, -300])
        #expect(doc.root["a"]?["y"] == true)
        #expect(doc.root["s"] == "hé\n😀")
        #expect(doc.root.objectValue.map { Array($0.keys) } == ["b", "a", "s"])
    }

    @Test func recordsLocationsOfValuesAndKeys() throws {
        let text = "{\n  \"steps\": [\n    {\"name\": 1}\n  ]\n}"
        let doc = try JSONParser.parse(text, file: "f.json")
        let p = try JSONPointer(parsing: "/steps/0/name")
        #expect(doc.location(of: p).description == "f.json:3:14")
        #expect(doc.keyLocation(of: p).description == "f.json:3:6")
    }

    /// Every value and key of a document whose strings are all distinct: the recorded place must be
    /// where the text itself has that string (found by plain search), or the container's bracket.
    @Test func locatesEveryValueAndKeyOfANestedDocument() throws {
        let text = """
        {"k1": "v1", "k2": [ "v2", {"k3": "v3", "k4": [[], {}, "v4"]}, "v5" ],
          "k5": {"k6": {"k7": "v6"}, "k~8/": "v7", "k9": 12},
            "k10": [ { "k11": "v8" } ] }
        """
        let doc = try JSONParser.parse(text, file: "t.json")
        let lines = LineIndex(file: "t.json", bytes: Array(text.utf8))
        func location(ofFirst needle: String) -> String {
            let bytes = Array(text.utf8), n = Array(needle.utf8)
            let offset = (0...(bytes.count - n.count)).first { bytes[$0..<($0 + n.count)].elementsEqual(n) }!
            return lines.location(ofOffset: offset).description
        }
        func character(at location: ConformJSON.SourceLocation) -> Character {
            let line = text.split(separator: "\n", omittingEmptySubsequences: false)[location.line - 1]
            return Array(line.unicodeScalars).map(Character.init)[location.column - 1]
        }
        var checked = 0
        func walk(_ value: JSON, _ pointer: JSONPointer) {
            let at = doc.location(of: pointer)
            // And back: the place's pointer is the one that found it.
            #expect(doc.place(of: pointer).map(doc.pointer(to:)) == pointer)
            switch value {
            case .string(let s): #expect(at.description == location(ofFirst: "\"\(s)\""), "\(pointer)")
            case .number: #expect(character(at: at) == "1", "\(pointer)")
            case .array(let items):
                #expect(character(at: at) == "[", "\(pointer)")
                #expect(doc.place(of: pointer).map { doc.memberPlaces(of: $0).count } == items.count)
                for (i, item) in items.enumerated() { walk(item, pointer.appending(i)) }
            case .object(let members):
                #expect(character(at: at) == "{", "\(pointer)")
                #expect(doc.place(of: pointer).map { doc.memberPlaces(of: $0).count } == members.count)
                for (key, member) in members {
                    let child = pointer.appending(key)
                    #expect(doc.keyLocation(of: child).description == location(ofFirst: "\"\(key)\""), "\(child)")
                    walk(member, child)
                }
            default: Issue.record("unexpected value at \(pointer)")
            }
            checked += 1
        }
        walk(doc.root, .root)
        #expect(checked == 19)
        // The root has no key: its key location is the value's.
        #expect(doc.keyLocation(of: .root).description == "t.json:1:1")
        // Pointers that name nothing: no place, and the file's start as location.
        for missing in ["/k0", "/k2/3", "/k2/01", "/k2/-", "/k1/x", "/k5/k9/0", "/k2/1/k4/0/0"] {
            let p = try JSONPointer(parsing: missing)
            #expect(doc.place(of: p) == nil, "\(missing)")
            #expect(doc.location(of: p).description == "t.json:1:1", "\(missing)")
        }
        // Bodies parsed without positions have no places to find.
        let body = try JSONParser.value(Array(text.utf8))
        #expect(body == doc.root)
    }

    /// Members of a large container are found directly, each at its own place.
    @Test func placesMembersOfALargeObject() throws {
        let count = 20_000
        let text = "{" + (0..<count).map { "\n\"k\($0)\": [\($0)]" }.joined(separator: ",") + "}"
        let doc = try JSONParser.parse(text, file: "big.json")
        let places = doc.memberPlaces(of: .root)
        #expect(places.count == count)
        for member in [0, 1, 9_999, count - 1] {
            let place = try #require(doc.place(ofMember: member, in: .root))
            #expect(place == places[member])
            #expect(doc.keyLocation(at: place).description == "big.json:\(member + 2):1")
            #expect(doc.pointer(to: place) == JSONPointer(tokens: ["k\(member)"]))
            let item = try #require(doc.place(ofMember: 0, in: place))
            #expect(doc.location(at: item).line == member + 2)
        }
        #expect(doc.place(ofMember: count, in: .root) == nil)
    }

    /// Duplicate keys are found by a scan in small objects and a set in large ones, at every depth,
    /// and members of nested containers land in their own container (they share one parse stack).
    @Test func findsDuplicateKeysInObjectsOfEverySize() throws {
        for size in [2, 15, 16, 17, 40] {
            for duplicate in [1, size / 2, size - 1] {
                let keys = (0..<size).map { $0 == duplicate ? "k0" : "k\($0)" }
                let object = "{" + keys.map { "\"\($0)\": {\"in\": [1, {\"\($0)\": 2}]}" }.joined(separator: ", ") + "}"
                for text in [object, "[0, {\"outer\": \(object)}]"] {
                    #expect(throws: Diagnostic.self, "\(size) \(duplicate)") { try JSONParser.value(Array(text.utf8)) }
                }
            }
            let unique = (0..<size).map { "k\($0)" }
            let text = "{" + unique.map { "\"\($0)\": {\"in\": [1, {\"\($0)\": 2}]}" }.joined(separator: ", ") + "}"
            let value = try JSONParser.value(Array(text.utf8))
            guard case .object(let members) = value else { Issue.record("not an object"); continue }
            #expect(Array(members.keys) == unique)
            for key in unique {
                #expect(members[key] == .object(["in": .array([1, .object([key: 2])])]))
            }
            #expect(try JSONParser.parse(text).root == value)
        }
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "1:9", "expected '\"'"),
        ("{\"a\" 1}", "1:6", "expected ':'"),
        ("[1 2]", "1:4", "expected ',' or ']'"),
        ("{\"a\": 1, \"a\": 2}", "1:10", "duplicate key \"a\""),
        ("\n  [tru]", "2:4", "expected 'true'"),
        ("\"abc", "1:1", "unterminated string"),
        ("01", "1:1", "leading zero"),
        ("", "1:1", "empty document"),
        ("{} x", "1:4", "after the JSON value"),
        ("\"a\u{01}\"", "1:3", "control character"),
        ("[1e999]", "1:2", "out of range"),
        ("\"\\x\"", "1:2", "invalid escape"),
    ])
    func reportsErrorsWithLineAndColumn(input: String, at: String, message: String) {
        do {
            _ = try JSONParser.parse(input, file: "bad.json")
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.description.hasPrefix("bad.json:\(at): "), "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func rejectsInvalidUTF8AtTheRightColumn() {
        let bytes: [UInt8] = Array("{\"é\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: Diagnostic.self) { try JSONParser.parse(bytes) }
        do { _ = try JSONParser.parse(bytes, file: "u.json") } catch {
            #expect(error.description.hasPrefix("u.json:1:8: invalid UTF-8 sequence starting with byte 0xC3"), "\(error)")
        }
    }

    @Test func boundsNestingDepthInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000)
        do { _ = try JSONParser.parse(deep) ; Issue.record("no error") } catch {
            #expect(error.message.contains("nesting deeper than"))
        }
    }

    @Test func serializesRoundTrip() throws {
        let text = #"{"a":[1,2.5,"x\"y\u0001"],"b":{"c":null,"d":false}}"#
        let v = try JSONParser.value(Array(text.utf8))
        #expect(v.serialized() == text)
        #expect(try JSONParser.value(Array(v.serialized(pretty: true).utf8)) == v)
    }

    @Test func numbersCompareByValueAndObjectsIgnoreOrder() throws {
        #expect(JSON.number(1) == JSON.number(1.0))
        let a = try JSONParser.value(Array(#"{"x":1,"y":2}"#.utf8))
        let b = try JSONParser.value(Array(#"{"y":2,"x":1}"#.utf8))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(JSON.number(3).typeName == "integer")
        #expect(JSON.number(3.5).typeName == "number")
    }
}

@Suite struct JSONPointerTests {
    let doc: JSON = ["a/b": ["m~n": 1], "list": [10, 20], "": "empty"]

    @Test func resolvesEscapedTokensAndIndexes() throws {
        #expect(try JSONPointer(parsing: "/a~1b/m~0n").resolve(in: doc) == 1)
        #expect(try JSONPointer(parsing: "/list/1").resolve(in: doc) == 20)
        #expect(try JSONPointer(parsing: "/").resolve(in: doc) == "empty")
        #expect(try JSONPointer(parsing: "").resolve(in: doc) == doc)
        #expect(try JSONPointer(parsing: "#/list/0").resolve(in: doc) == 10)
    }

    @Test func namesNothingForMissingOrBadIndexes() throws {
        #expect(try JSONPointer(parsing: "/list/2").resolve(in: doc) == nil)
        #expect(try JSONPointer(parsing: "/list/01").resolve(in: doc) == nil)
        #expect(try JSONPointer(parsing: "/list/-").resolve(in: doc) == nil)
        #expect(try JSONPointer(parsing: "/nope/x").resolve(in: doc) == nil)
    }

    @Test func rejectsMalformedPointers() {
        #expect(throws: JSONPointer.ParseError.missingLeadingSlash) { try JSONPointer(parsing: "a/b") }
        #expect(throws: JSONPointer.ParseError.self) { try JSONPointer(parsing: "/a~2") }
    }

    @Test func roundTripsItsText() throws {
        let p = try JSONPointer(parsing: "/a~1b/m~0n/0")
        #expect(p.description == "/a~1b/m~0n/0")
        #expect(p.tokens == ["a/b", "m~n", "0"])
    }
}

@Suite struct JSONPathTests {
    let doc: JSON = ["results": [["id": "a", "n": 1, "label": "x"], ["id": "b", "n": 5, "label": "y"]], "total": 2]

    @Test func selectsByFilter() throws {
        #expect(try JSONPath(parsing: "$.results[?(@.id == 'b')].label").select(in: doc) == ["y"])
        #expect(try JSONPath(parsing: "$.results[?@.n > 2].id").select(in: doc) == ["b"])
        #expect(try JSONPath(parsing: "$.results[?(@.id != 'b')]").select(in: doc).count == 1)
        #expect(try JSONPath(parsing: "$.results[?(@.missing)]").select(in: doc).isEmpty)
    }

    @Test func selectsByIndexWildcardAndDescendant() throws {
        #expect(try JSONPath(parsing: "$.results[-1].id").select(in: doc) == ["b"])
        #expect(try JSONPath(parsing: "$.results[*].id").select(in: doc) == ["a", "b"])
        #expect(try JSONPath(parsing: "$..label").select(in: doc) == ["x", "y"])
        #expect(try JSONPath(parsing: "$['total']").select(in: doc) == [2])
    }

    @Test func rejectsMalformedPaths() {
        #expect(throws: JSONPath.ParseError.self) { try JSONPath(parsing: "results") }
        #expect(throws: JSONPath.ParseError.self) { try JSONPath(parsing: "$.results[") }
        #expect(throws: JSONPath.ParseError.self) { try JSONPath(parsing: "$.results[?(@.id == )]") }
    }
}
