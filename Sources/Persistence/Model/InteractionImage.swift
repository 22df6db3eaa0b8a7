/// One input image as the document records it (SPEC §4 `inputImages`): its type, size and
/// SHA-256, never the bytes, so analysts can count and match images without the store holding them.
public struct InteractionImage: Sendable, Equatable {
    public var mimeType: String
    public var bytes: Int32
    /// Lowercase hex.
    public var sha256: String

    public init(mimeType: String, bytes: Int32, sha256: String) {
        self.mimeType = mimeType
        self.bytes = bytes
        self.sha256 = sha256
    }
}
