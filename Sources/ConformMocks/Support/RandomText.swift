#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Random identifiers and secrets from the system's cryptographic generator.
enum RandomText {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let lowerAlphanumerics = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `count` characters of `[A-Za-z0-9]`.
    static func alphanumeric(_ count: Int) -> String { pick(count, from: alphanumerics) }

    /// `count` characters of `[a-z0-9]`.
    static func lowerAlphanumeric(_ count: Int) -> String { pick(count, from: lowerAlphanumerics) }

    /// `count` lowercase hex digits.
    static func hex(_ count: Int) -> String { pick(count, from: hexDigits) }

    /// A random (version 4) UUID in lowercase.
    static func uuid() -> String { UUID().uuidString.lowercased() }

    /// Unpadded base64url of random bytes (JWT segments).
    static func base64URL(bytes count: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return base64URL((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &g) })
    }

    /// Unpadded base64url of the given bytes.
    static func base64URL(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().compactMap { c -> Character? in
            switch c {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: c
            }
        })
    }

    private static func pick(_ count: Int, from alphabet: [UInt8]) -> String {
        var g = SystemRandomNumberGenerator()
        let n = UInt64(alphabet.count)
        // The modulo bias of a 64-bit draw over ≤ 62 symbols is below 2^-58: irrelevant for a mock.
        return String(decoding: (0..<count).map { _ in alphabet[Int(g.next() % n)] }, as: UTF8.self)
    }
}
