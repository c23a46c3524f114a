import ConformJSON

/// Request body checks for the Docker Hub OAT models.
struct DockerHubValidation {
    /// Skips the `label` requirement and the resource type enum (fault `validation-skipped`).
    var lenient: Bool

    struct Create {
        var label: String
        var description: String?
        var resources: [JSON]
        var expiresAt: String?
        var expiresAtSeconds: Double?
    }

    struct Update {
        var label: String?
        var description: String?
        var resources: [JSON]?
        var isActive: Bool?
    }

    /// `createOrgAccessTokenRequest`: `label` required; `description`, `resources`, `expires_at` optional.
    func create(_ body: JSON, problems: inout FieldProblems) -> Create? {
        guard case .object(let o) = body else {
            problems.add("non_field_errors", "request body must be a JSON object")
            return nil
        }
        let before = problems.count
        var result = Create(label: "", resources: [])
        switch o["label"] {
        case nil: if !lenient { problems.add("label", "This field is required.") }
        case .string(let s)?: result.label = s
        case let other?: problems.add("label", "Must be a string, not \(other.typeName).")
        }
        if let v = o["description"] { result.description = string(v, "description", &problems) }
        if let v = o["resources"] { result.resources = resources(v, &problems) ?? [] }
        switch o["expires_at"] {
        case nil, .null?: break
        case .string(let s)?:
            if let t = RFC3339.parse(s) {
                result.expiresAt = RFC3339.format(t)
                result.expiresAtSeconds = t
            } else {
                problems.add("expires_at", "Must be an RFC 3339 date-time.")
            }
        case let other?: problems.add("expires_at", "Must be a date-time string or null, not \(other.typeName).")
        }
        return problems.count == before ? result : nil
    }

    /// `updateOrgAccessTokenRequest`: every field optional.
    func update(_ body: JSON, problems: inout FieldProblems) -> Update? {
        guard case .object(let o) = body else {
            problems.add("non_field_errors", "request body must be a JSON object")
            return nil
        }
        let before = problems.count
        var result = Update()
        if let v = o["label"] { result.label = string(v, "label", &problems) }
        if let v = o["description"] { result.description = string(v, "description", &problems) }
        if let v = o["resources"] { result.resources = resources(v, &problems) }
        switch o["is_active"] {
        case nil: break
        case .bool(let b)?: result.isActive = b
        case let other?: problems.add("is_active", "Must be a boolean, not \(other.typeName).")
        }
        return problems.count == before ? result : nil
    }

    private func string(_ v: JSON, _ field: String, _ problems: inout FieldProblems) -> String? {
        guard case .string(let s) = v else {
            problems.add(field, "Must be a string, not \(v.typeName).")
            return nil
        }
        return s
    }

    /// An array of `orgAccessTokenResource` (`type` enum, `path` string, `scopes` strings; all required).
    private func resources(_ v: JSON, _ problems: inout FieldProblems) -> [JSON]? {
        guard case .array(let items) = v else {
            problems.add("resources", "Must be an array, not \(v.typeName).")
            return nil
        }
        let before = problems.count
        for (i, item) in items.enumerated() {
            let at = "resources[\(i)]"
            guard case .object(let r) = item else {
                problems.add(at, "Must be an object.")
                continue
            }
            switch r["type"] {
            case nil: problems.add("\(at).type", "This field is required.")
            case .string(let t)?:
                if !lenient && t != "TYPE_REPO" && t != "TYPE_ORG" {
                    problems.add("\(at).type", "Must be one of: TYPE_REPO, TYPE_ORG.")
                }
            case let other?: problems.add("\(at).type", "Must be a string, not \(other.typeName).")
            }
            switch r["path"] {
            case nil: problems.add("\(at).path", "This field is required.")
            case .string?: break
            case let other?: problems.add("\(at).path", "Must be a string, not \(other.typeName).")
            }
            switch r["scopes"] {
            case nil: problems.add("\(at).scopes", "This field is required.")
            case .array(let scopes)?:
                for (k, s) in scopes.enumerated() where s.stringValue == nil {
                    problems.add("\(at).scopes[\(k)]", "Must be a string, not \(s.typeName).")
                }
            case let other?: problems.add("\(at).scopes", "Must be an array, not \(other.typeName).")
            }
        }
        guard problems.count == before else { return nil }
        // Keep only the documented members, in the documented order.
        return items.map { item in
            ["type": item["type"] ?? .null, "path": item["path"] ?? .null, "scopes": item["scopes"] ?? .null]
        }
    }
}
