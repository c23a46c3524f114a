import ConformJSON
import Foundation
import Synchronization

/// Every secret a run knows, shared by all scenarios of the run.
///
/// Credentials and secret captures are only masked. One-time secrets are also
/// searched for in every response that arrives after they were issued: finding one
/// means the implementation disclosed it again.
public final class SecretBook: Sendable {
    private struct State {
        var known: [KnownSecret] = []
        var knownValues: Set<String> = []
        var oneTime = NeedleIndex()
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a secret to be masked everywhere.
    public func add(name: String, value: String) {
        guard !value.isEmpty else { return }
        state.withLock { s in
            if s.knownValues.insert(value).inserted { s.known.append(KnownSecret(name: name, value: value)) }
        }
    }

    /// Records a one-time secret: masked, and no later response may contain it.
    /// `origin` says who received it (`scenario › step`), for the failure message.
    public func addOneTime(name: String, value: String, origin: String) {
        add(name: name, value: value)
        guard value.utf8.count >= Redactor.minimumSecretLength else { return }
        state.withLock { s in
            for form in Redactor.forms(of: value) where form.utf8.count >= Redactor.minimumSecretLength {
                s.oneTime.insert(Array(form.utf8), owner: NeedleIndex.Owner(name: name, origin: origin, value: value))
            }
        }
    }

    public var known: [KnownSecret] { state.withLock { $0.known } }

    public var redactor: Redactor { Redactor(secrets: known) }

    /// A one-time secret found where it must not be.
    public struct Disclosure: Sendable, Hashable {
        public var secretName: String
        public var origin: String
        /// `body at /results/0/token`, `header X-Token`, `body (not JSON) at byte 120`.
        public var place: String
    }

    /// One-time secrets present in a response's headers or body.
    public func disclosures(headers: [(name: String, value: String)], body: [UInt8], parsedBody: JSON?) -> [Disclosure] {
        let index = state.withLock { $0.oneTime }
        guard !index.isEmpty else { return [] }
        var found: [Disclosure] = []
        var seen = Set<String>()
        for h in headers {
            for hit in index.search(Array(h.value.utf8)) where seen.insert("h:\(h.name):\(hit.owner.name)").inserted {
                found.append(Disclosure(secretName: hit.owner.name, origin: hit.owner.origin, place: "header \(h.name)"))
            }
        }
        for hit in index.search(body) where seen.insert("b:\(hit.owner.name)").inserted {
            var place = "body at byte \(hit.offset)"
            if let parsedBody, let pointer = SecretBook.pointer(containing: hit.needle, in: parsedBody, value: hit.owner.value) {
                place = "body at \(pointer.description.isEmpty ? "/" : pointer.description)"
            }
            found.append(Disclosure(secretName: hit.owner.name, origin: hit.owner.origin, place: place))
        }
        return found
    }

    /// The pointer of the first string value that contains the secret (in the found form or raw).
    static func pointer(containing needle: [UInt8], in json: JSON, value: String, at pointer: JSONPointer = .root) -> JSONPointer? {
        switch json {
        case .string(let s):
            let form = String(decoding: needle, as: UTF8.self)
            return s.contains(value) || s.contains(form) ? pointer : nil
        case .array(let a):
            for (i, v) in a.enumerated() {
                if let p = SecretBook.pointer(containing: needle, in: v, value: value, at: pointer.appending(i)) { return p }
            }
            return nil
        case .object(let o):
            for (k, v) in o {
                if k.contains(value) { return pointer.appending(k) }
                if let p = SecretBook.pointer(containing: needle, in: v, value: value, at: pointer.appending(k)) { return p }
            }
            return nil
        default:
            return nil
        }
    }
}

/// Finds any of many byte strings in a text in one pass, whatever their number.
///
/// Needles are bucketed by their first four bytes; a 64 Ki-bit filter on those four
/// bytes skips almost every position without a dictionary lookup. A run with thousands
/// of one-time secrets scans each response in time proportional to its length.
struct NeedleIndex: Sendable {
    struct Owner: Sendable, Hashable {
        let name: String
        let origin: String
        let value: String
    }

    struct Hit {
        let owner: Owner
        let needle: [UInt8]
        let offset: Int
    }

    private var buckets: [UInt32: [(needle: [UInt8], owner: Owner)]] = [:]
    private var filter = [UInt64](repeating: 0, count: 1024)
    private(set) var isEmpty = true

    private static func slot(_ key: UInt32) -> Int { Int((key &* 2_654_435_761) >> 16) }

    mutating func insert(_ needle: [UInt8], owner: Owner) {
        guard needle.count >= 4 else { return }
        let key = NeedleIndex.key(needle, 0)
        if buckets[key]?.contains(where: { $0.needle == needle }) == true { return }
        buckets[key, default: []].append((needle, owner))
        let slot = NeedleIndex.slot(key)
        filter[slot >> 6] |= 1 << UInt64(slot & 63)
        isEmpty = false
    }

    @inline(__always)
    static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }

    static func key(_ bytes: [UInt8], _ i: Int) -> UInt32 {
        bytes.withUnsafeBufferPointer { key($0, i) }
    }

    func search(_ text: [UInt8]) -> [Hit] {
        guard !isEmpty, text.count >= 4 else { return [] }
        var hits: [Hit] = []
        text.withUnsafeBufferPointer { t in
            let last = t.count - 4
            var i = 0
            while i <= last {
                let k = NeedleIndex.key(t, i)
                let slot = NeedleIndex.slot(k)
                if filter[slot >> 6] & (1 << UInt64(slot & 63)) != 0, let candidates = buckets[k] {
                    for c in candidates where c.needle.count <= t.count - i {
                        var j = 4
                        while j < c.needle.count && t[i + j] == c.needle[j] { j += 1 }
                        if j == c.needle.count { hits.append(Hit(owner: c.owner, needle: c.needle, offset: i)) }
                    }
                }
                i += 1
            }
        }
        return hits
    }
}
