import ConformJSON
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One shared copy of each string and template that many scenario files repeat.
///
/// A suite of thousands of scenarios stays loaded for the whole run, and most of its parts
/// (step names, schema paths, templates such as `/access-tokens/{{id}}`, status expectations)
/// are the same in every file: sharing them cut the memory of a 10,000-scenario run by a fifth
/// (bench/RESULTS.md). Texts are matched byte for byte, not by `String` equality (which treats
/// canonically equivalent spellings as equal): a request must carry exactly the bytes its file
/// has. Only small values are kept, and the tables live as long as the process, which loads a
/// bounded set of files.
final class Interner: Sendable {
    static let shared = Interner()
    /// Texts of at most this many UTF-8 bytes are shared; shorter than 16 are stored inline anyway.
    static let maxBytes = 512

    /// A text compared and hashed by its UTF-8 bytes.
    private struct Exact: Hashable, Sendable {
        let text: String
        static func == (a: Exact, b: Exact) -> Bool {
            // memcmp on the UTF-8 buffers: `utf8.elementsEqual` went byte by byte through generic code.
            guard a.text.utf8.count == b.text.utf8.count else { return false }
            var x = a.text, y = b.text
            return x.withUTF8 { p in
                y.withUTF8 { q in p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 }
            }
        }
        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private let strings = Mutex([Exact: String]())
    /// Templates by their source text, which determines them.
    private let templates = Mutex([Exact: Template]())
    /// JSON templates by the serialization of the JSON they were made from (member order kept).
    private let jsonTemplates = Mutex([Exact: JSONTemplate]())
    private let statuses = Mutex(Set<StatusExpectation>())

    func intern(_ s: String) -> String {
        let n = s.utf8.count
        guard n > 15, n <= Self.maxBytes else { return s }
        return strings.withLock { table in
            if let shared = table[Exact(text: s)] { return shared }
            table[Exact(text: s)] = s
            return s
        }
    }

    /// The template already made from `source`, if any: asked first, so a repeated text is parsed once.
    func template(source: String) -> Template? {
        guard source.utf8.count <= Self.maxBytes else { return nil }
        return templates.withLock { $0[Exact(text: source)] }
    }

    func intern(_ t: Template) -> Template {
        guard t.source.utf8.count <= Self.maxBytes else { return t }
        return templates.withLock { table in
            if let shared = table[Exact(text: t.source)] { return shared }
            table[Exact(text: t.source)] = t
            return t
        }
    }

    /// The key a JSON template is shared under: the text of the JSON it is made from.
    static func key(of json: JSON) -> String { json.serialized() }

    /// The JSON template already made from JSON with this `key`, if any.
    func jsonTemplate(key: String) -> JSONTemplate? {
        guard key.utf8.count <= Self.maxBytes else { return nil }
        return jsonTemplates.withLock { $0[Exact(text: key)] }
    }

    /// `t`, made from JSON with this `key`, or an earlier template made from the same JSON text.
    func intern(_ t: JSONTemplate, key: String) -> JSONTemplate {
        guard key.utf8.count <= Self.maxBytes else { return t }
        return jsonTemplates.withLock { table in
            if let shared = table[Exact(text: key)] { return shared }
            table[Exact(text: key)] = t
            return t
        }
    }

    /// Status expectations hold numbers and a line only, so equality is exact.
    func intern(_ s: StatusExpectation) -> StatusExpectation {
        statuses.withLock { $0.insert(s).memberAfterInsert }
    }
}
