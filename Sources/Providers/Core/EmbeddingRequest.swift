/// What a caller wants embedded, normalised across OpenAI's `/embeddings`, Ollama's `/api/embed`
/// and Gemini's `batchEmbedContents`, so the chain can send it to any provider kind.
public struct EmbeddingRequest: Sendable, Equatable {
    /// The texts, in order; the answer has one vector per text, in the same order.
    public var inputs: [String]
    /// The vector length the caller asked for (OpenAI `dimensions`, Ollama `dimensions`, Gemini
    /// `outputDimensionality`); `nil` = the model's own.
    public var dimensions: Int?

    public init(inputs: [String], dimensions: Int? = nil) {
        self.inputs = inputs
        self.dimensions = dimensions
    }
}
