import ConformJSON

extension Evaluator {
    /// Keywords that look at the value only (no subschemas).
    mutating func check(_ kw: RunKeyword, _ inst: JSON) -> Bool {
        let at = kw.path
        switch kw.keyword {
        case .type(let mask):
            if mask.admits(inst) { return true }
            fail(at, "expected \(mask.text), got \(describe(inst))")
            return false

        case .enumeration(let values):
            if values.contains(where: { StrictJSON.equal($0, inst) }) { return true }
            let shown = values.prefix(8).map { preview($0, limit: 40) }.joined(separator: ", ")
            fail(at, "\(preview(inst)) is not one of the allowed values: \(shown)\(values.count > 8 ? ", …" : "")")
            return false

        case .constant(let c):
            if StrictJSON.equal(inst, c) { return true }
            fail(at, "expected \(preview(c)), got \(preview(inst))")
            return false

        case .multipleOf(let m):
            guard case .number(let x) = inst else { return true }
            let q = x / m
            if q.isFinite ? q.rounded(.towardZero) == q : x.truncatingRemainder(dividingBy: m) == 0 { return true }
            fail(at, "\(preview(inst)) is not a multiple of \(JSON.format(number: m))")
            return false

        case .minimum(let bound, let exclusive):
            guard case .number(let x) = inst else { return true }
            if x > bound || (!exclusive && x == bound) { return true }
            fail(at, exclusive ? "\(preview(inst)) is not greater than the exclusive minimum \(JSON.format(number: bound))"
                                 : "\(preview(inst)) is less than the minimum \(JSON.format(number: bound))")
            return false

        case .maximum(let bound, let exclusive):
            guard case .number(let x) = inst else { return true }
            if x < bound || (!exclusive && x == bound) { return true }
            fail(at, exclusive ? "\(preview(inst)) is not less than the exclusive maximum \(JSON.format(number: bound))"
                                 : "\(preview(inst)) is greater than the maximum \(JSON.format(number: bound))")
            return false

        case .minLength(let n):
            guard case .string(let s) = inst, s.utf8.count < n || s.unicodeScalars.count < n else { return true }
            let c = s.unicodeScalars.count
            if c >= n { return true }
            fail(at, "\(preview(inst)) has \(c) character\(c == 1 ? "" : "s"), fewer than the minimum length \(n)")
            return false

        case .maxLength(let n):
            guard case .string(let s) = inst, s.utf8.count > n else { return true }
            let c = s.unicodeScalars.count
            if c <= n { return true }
            fail(at, "\(preview(inst)) has \(c) characters, more than the maximum length \(n)")
            return false

        case .pattern(let re):
            guard case .string(let s) = inst, !re.matches(s) else { return true }
            fail(at, "\(preview(inst)) does not match pattern \(re.source)")
            return false

        case .format(let checker):
            if checker.check(inst) { return true }
            fail(at, "\(preview(inst)) is not \(checker.noun)")
            return false

        case .minItems(let n):
            guard case .array(let a) = inst, a.count < n else { return true }
            fail(at, "array has \(a.count) item\(a.count == 1 ? "" : "s"), fewer than the minimum \(n)")
            return false

        case .maxItems(let n):
            guard case .array(let a) = inst, a.count > n else { return true }
            fail(at, "array has \(a.count) items, more than the maximum \(n)")
            return false

        case .uniqueItems:
            guard case .array(let a) = inst, a.count > 1 else { return true }
            guard let (i, j) = firstDuplicate(a) else { return true }
            fail(at, "items \(i) and \(j) are equal (\(preview(a[i], limit: 40))), but items must be unique")
            return false

        case .minProperties(let n):
            guard case .object(let o) = inst, o.count < n else { return true }
            fail(at, "object has \(o.count) propert\(o.count == 1 ? "y" : "ies"), fewer than the minimum \(n)")
            return false

        case .maxProperties(let n):
            guard case .object(let o) = inst, o.count > n else { return true }
            fail(at, "object has \(o.count) properties, more than the maximum \(n)")
            return false

        case .required(let names):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for name in names where o[name] == nil {
                valid = false
                fail(at, "missing required property \"\(name)\"")
                if !reporting { return false }
            }
            return valid

        case .dependentRequired(let pairs):
            guard case .object(let o) = inst else { return true }
            var valid = true
            for (name, required) in pairs where o[name] != nil {
                for r in required where o[r] == nil {
                    valid = false
                    fail(at, "missing property \"\(r)\", required when \"\(name)\" is present")
                    if !reporting { return false }
                }
            }
            return valid

        default:
            return true
        }
    }
}
