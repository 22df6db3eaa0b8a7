/// A provider's answer to an `EmbeddingRequest`: one vector per input, in input order.
public struct Embeddings: Sendable, Equatable {
    /// One vector per input, each number as the provider wrote it (a base64 float32 answer widened
    /// exactly), so `encoding_format: float` passes an upstream's numbers through unchanged.
    public var vectors: [[Double]]
    /// The model that answered, as the provider names it.
    public var model: String
    /// Input token counts as the provider reported them; `nil` when it reported none (Gemini).
    public var usage: TokenUsage?

    public init(vectors: [[Double]], model: String, usage: TokenUsage?) {
        self.vectors = vectors
        self.model = model
        self.usage = usage
    }

    /// The length of each vector (0 when there are none).
    public var dimensions: Int { vectors.first?.count ?? 0 }
}
