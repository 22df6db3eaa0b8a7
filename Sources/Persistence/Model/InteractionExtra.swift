/// The route-specific part of an `interactions` document (SPEC §4 `extra`): what an analyst needs
/// to know about an embeddings or image call that the chat fields cannot say. The vectors and the
/// image bytes themselves are never stored.
public enum InteractionExtra: Sendable, Equatable {
    /// `/v1/embeddings`: how many inputs were embedded and the length of each vector.
    case embeddings(count: Int32, dimensions: Int32)
    /// `/v1/images/generations`: how many images of which size and quality were asked for.
    case images(n: Int32, size: String, quality: String)
}
