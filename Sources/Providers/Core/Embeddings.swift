/// A provider's answer to an `EmbeddingRequest`: one vector per input, in input order.
public struct Embeddings: Sendable, Equatable {
    /// One float32 vector per input (float32 is what every provider computes and what OpenAI's
    /// base64 encoding carries).
    public var vectors: [[Float]]
    /// The model that answered, as the provider names it.
    public var model: String
    /// Input token counts as the provider reported them; `nil` when it reported none (Gemini).
    public var usage: TokenUsage?

    public init(vectors: [[Float]], model: String, usage: TokenUsage?) {
        self.vectors = vectors
        self.model = model
        self.usage = usage
    }

    /// The length of each vector (0 when there are none).
    public var dimensions: Int { vectors.first?.count ?? 0 }
}
