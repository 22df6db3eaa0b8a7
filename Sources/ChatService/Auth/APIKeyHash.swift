import Crypto

/// SHA-256 of API keys and constant-time comparison of digests: the only two operations the
/// service ever does with a key, so a key is never stored, logged or compared in the clear.
enum APIKeyHash {
    /// Lowercase hex SHA-256 of `key`.
    static func hex(of key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8))
        return digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// Compares two equal-length hex digests without an early exit, so timing says nothing
    /// about how many leading characters matched.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    /// A new client key: `csk_` and 64 hex characters of 256 random bits from the system's
    /// cryptographically secure generator.
    static func generateKey() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = "csk_"
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }
}
