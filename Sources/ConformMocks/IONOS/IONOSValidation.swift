import ConformJSON

/// Request body checks for the IONOS token models; each problem is one message.
struct IONOSValidation {
    /// Skips the name pattern and the status enum (fault `validation-skipped`).
    var lenient: Bool

    /// `PostTokenInput` / `PutTokenInput`: `{"properties": PostTokenProperties}`.
    func tokenInput(_ body: JSON, problems: inout [String]) -> IONOSTokenInput? {
        guard case .object(let root) = body else {
            problems.append("request body must be a JSON object")
            return nil
        }
        guard let props = root["properties"] else {
            problems.append("properties is required")
            return nil
        }
        guard case .object(let p) = props else {
            problems.append("properties must be an object")
            return nil
        }
        let before = problems.count
        var input = IONOSTokenInput(name: "")
        switch p["name"] {
        case nil: problems.append("properties.name is required")
        case .string(let name)?:
            if !lenient && !Self.isValidName(name) {
                problems.append("properties.name must match ^[A-Za-z][-A-Za-z0-9]{0,61}[A-Za-z0-9]$")
            }
            input.name = name
        case let other?: problems.append("properties.name must be a string, not \(other.typeName)")
        }
        if let v = p["expiryDate"] { input.expiryDate = expiryDate(v, at: "properties.expiryDate", problems: &problems) ?? .null }
        if let v = p["scopes"] { input.scopes = scopes(v, at: "properties.scopes", problems: &problems) ?? .null }
        if let v = p["status"] { input.status = status(v, at: "properties.status", problems: &problems) }
        return problems.count == before ? input : nil
    }

    /// `PatchTokenInput`: a flat object of optional fields.
    func patchInput(_ body: JSON, problems: inout [String]) -> IONOSPatchInput? {
        guard case .object(let p) = body else {
            problems.append("request body must be a JSON object")
            return nil
        }
        let before = problems.count
        var input = IONOSPatchInput()
        if let v = p["expiryDate"] { input.expiryDate = expiryDate(v, at: "expiryDate", problems: &problems) }
        if let v = p["scopes"] { input.scopes = scopes(v, at: "scopes", problems: &problems) }
        if let v = p["status"] { input.status = status(v, at: "status", problems: &problems) }
        return problems.count == before ? input : nil
    }

    /// `^[A-Za-z][-A-Za-z0-9]{0,61}[A-Za-z0-9]$`
    static func isValidName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard b.count >= 2, b.count <= 63 else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        func alnum(_ c: UInt8) -> Bool { letter(c) || (c >= 48 && c <= 57) }
        guard letter(b[0]), alnum(b[b.count - 1]) else { return false }
        return b.dropFirst().dropLast().allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    private func expiryDate(_ v: JSON, at field: String, problems: inout [String]) -> JSON? {
        switch v {
        case .null: return .null
        case .string(let s):
            guard RFC3339.parse(s) != nil else {
                problems.append("\(field) must be an RFC 3339 date-time")
                return nil
            }
            return v
        default:
            problems.append("\(field) must be a date-time string or null, not \(v.typeName)")
            return nil
        }
    }

    private func status(_ v: JSON, at field: String, problems: inout [String]) -> String? {
        guard case .string(let s) = v else {
            problems.append("\(field) must be a string, not \(v.typeName)")
            return nil
        }
        if !lenient && s != "enabled" && s != "disabled" {
            problems.append("\(field) must be one of: enabled, disabled")
            return nil
        }
        return s
    }

    /// `scopes`: null, or an array of `Scope` (`actions` required array-or-null of strings,
    /// `name` and `type` required strings).
    private func scopes(_ v: JSON, at field: String, problems: inout [String]) -> JSON? {
        if v == .null { return .null }
        guard case .array(let items) = v else {
            problems.append("\(field) must be an array or null, not \(v.typeName)")
            return nil
        }
        let before = problems.count
        for (i, item) in items.enumerated() {
            let at = "\(field)[\(i)]"
            guard case .object(let scope) = item else {
                problems.append("\(at) must be an object")
                continue
            }
            switch scope["actions"] {
            case nil: problems.append("\(at).actions is required")
            case .null?: break
            case .array(let actions)?:
                for (k, a) in actions.enumerated() where a.stringValue == nil {
                    problems.append("\(at).actions[\(k)] must be a string, not \(a.typeName)")
                }
            case let other?: problems.append("\(at).actions must be an array, not \(other.typeName)")
            }
            for key in ["name", "type"] {
                switch scope[key] {
                case nil: problems.append("\(at).\(key) is required")
                case .string?: break
                case let other?: problems.append("\(at).\(key) must be a string, not \(other.typeName)")
                }
            }
        }
        return problems.count == before ? v : nil
    }
}
