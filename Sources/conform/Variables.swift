import ConformJSON
import ConformScenario
import Foundation

/// Variables given on the command line, with the names whose values are secrets.
struct CommandLineVariables {
    var values: [String: JSON] = [:]
    var secretNames: Set<String> = []

    /// Parses `--var name=value` (a value `env:NAME` is read from the environment and is a
    /// secret) and `--vars-file FILE` (a JSON object; string values may also be `env:NAME`).
    /// `--var` wins over the file.
    static func parse(vars: [String], file: String?, environment: [String: String]) throws(Diagnostic) -> CommandLineVariables {
        var result = CommandLineVariables()
        let argv = SourceLocation(file: "<command line>", line: 1, column: 1)
        if let file {
            let document: JSONDocument
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Diagnostic("cannot read the vars file", at: SourceLocation(file: file, line: 1, column: 1))
            }
            document = try JSONParser.parse(Array(data), file: file)
            guard case .object(let members) = document.root else {
                throw Diagnostic("a vars file is a JSON object of variable names to values", at: document.location(of: .root))
            }
            for (name, value) in members {
                if case .string(let s) = value, s.hasPrefix("env:") {
                    let env = String(s.dropFirst(4))
                    guard let v = environment[env] else {
                        throw Diagnostic("environment variable '\(env)' (for '\(name)') is not set",
                                         at: document.location(of: JSONPointer(tokens: [name])))
                    }
                    result.values[name] = .string(v)
                    result.secretNames.insert(name)
                } else {
                    result.values[name] = value
                }
            }
        }
        for item in vars {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw Diagnostic("--var takes name=value, got '\(item)'", at: argv)
            }
            let name = String(item[..<eq])
            let value = String(item[item.index(after: eq)...])
            guard Placeholder.isIdentifier(name, allowDots: true) else {
                throw Diagnostic("invalid variable name '\(name)' in --var", at: argv)
            }
            if value.hasPrefix("env:") {
                let env = String(value.dropFirst(4))
                guard let v = environment[env] else {
                    throw Diagnostic("environment variable '\(env)' (for --var \(name)) is not set", at: argv)
                }
                result.values[name] = .string(v)
                result.secretNames.insert(name)
            } else {
                result.values[name] = .string(value)
                result.secretNames.remove(name)
            }
        }
        return result
    }
}
