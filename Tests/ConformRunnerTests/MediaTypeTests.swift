@testable import ConformRunner
import Foundation
import Testing

/// The byte path of `isJSONMediaType` decides every ASCII value as Foundation's trimming and lowercasing did.
@Suite struct MediaTypeTests {
    @Test func asciiPathMatchesTheGeneralOne() {
        func general(_ value: String) -> Bool {
            let essence = (value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "")
                .trimmingCharacters(in: .whitespaces).lowercased()
            return essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json"))
        }
        let values = ["application/json", "Application/JSON", " application/json ; charset=utf-8", "\tapplication/json\t",
                      "application/problem+json", "APPLICATION/VND.API+JSON;v=1", "application/+json", "application/json5",
                      "application/jsonx", "text/json", "application/", "+json", "json", "", " ", ";", ";application/json",
                      ";;application/json", "application/json;", "application/ json", "application/json\n", "\napplication/json",
                      "application\\/json", "application/x+json ", "a/b+json", "application/xml", "application/json+xml",
                      "application/jso", "\u{A0}application/json", "applicatıon/json", "application/json\u{2003}"]
        for value in values { #expect(ScenarioExecution.isJSONMediaType(value) == general(value), "\(value)") }
    }
}
