import Foundation

extension String {
    /// `bytes` as text when they are valid UTF-8, else `nil`: what `String(validating:as:)`
    /// answers, for a fraction of its cost (its generic path takes ~1,000 instructions for a short
    /// string). Decoding repairs every invalid sequence with U+FFFD, so the decoded text has
    /// exactly the input's bytes when, and only when, the input was valid UTF-8. The two JSON
    /// readers (`JSONValue.Parser` in `.strict` mode, `StrictJSONScanner`) check with it.
    public init?(validUTF8 bytes: ArraySlice<UInt8>) {
        var text = String(decoding: bytes, as: UTF8.self)
        let unchanged = text.withUTF8 { decoded in
            bytes.withUnsafeBufferPointer { source in
                guard decoded.count == source.count, let decodedStart = decoded.baseAddress,
                    let sourceStart = source.baseAddress
                else { return decoded.count == source.count }
                return memcmp(decodedStart, sourceStart, source.count) == 0
            }
        }
        guard unchanged else { return nil }
        self = text
    }
}
