/// The `{model, input, dimensions?}` body that OpenAI's `/embeddings` and Ollama's `/api/embed`
/// both take for an `EmbeddingRequest`.
struct EmbeddingWireBody: Encodable, Equatable {
    var model: String
    var input: [String]
    var dimensions: Int?

    init(for request: EmbeddingRequest, model: String) {
        self.model = model
        input = request.inputs
        dimensions = request.dimensions
    }
}
