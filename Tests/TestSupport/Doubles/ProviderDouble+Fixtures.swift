/// The double's deterministic embedding vectors and image bytes, public so tests (and the e2e suite, which
/// recomputes them in Python) can check that a vector reached the caller unchanged.
extension ProviderDouble {
    /// The vector length when a request asks for none.
    public static let defaultEmbeddingDimensions = 8

    /// Component `i` of `text`'s vector is `((fnv1a32(utf8(text)) + i * 2654435761) mod 2^32 mod 2049) / 1024 - 1`:
    /// values in [-1, 1], each exactly representable as a float32, so a base64 float32 round trip
    /// must reproduce them bit for bit.
    public static func embeddingVector(for text: String, dimensions: Int = defaultEmbeddingDimensions) -> [Double] {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return (0..<max(dimensions, 0)).map { index in
            let mixed = hash &+ UInt32(truncatingIfNeeded: index) &* 2_654_435_761
            return Double(mixed % 2049) / 1024 - 1
        }
    }

    /// A valid 1×1 transparent PNG: what every `b64_json` image of the double holds.
    public static let onePixelPNGBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
}
