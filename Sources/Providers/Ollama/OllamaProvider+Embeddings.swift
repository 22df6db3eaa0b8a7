import Logging
import NIOCore

// `POST {base}/api/embed` (protocols.md §2.5): every input in one request, float32 vectors back,
// `prompt_eval_count` as the input token count.
extension OllamaProvider: EmbeddingProvider {
    public func embed(
        _ request: EmbeddingRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Embeddings {
        try await postEmbeddingBody(
            request, to: "/api/embed", model: model, timeout: timeout, logger: logger,
            read: Self.embeddings(from:inputCount:requestedModel:))
    }

    struct EmbedResponse: Decodable {
        var model: String?
        var embeddings: [[Double]]
        var promptEvalCount: Int?
        enum CodingKeys: String, CodingKey {
            case model, embeddings
            case promptEvalCount = "prompt_eval_count"
        }
    }

    /// Reads a 2xx `/api/embed` answer; it must hold one vector per input.
    static func embeddings(
        from body: ByteBuffer, inputCount: Int, requestedModel: String
    ) throws(ProviderError) -> Embeddings {
        let decoded = try WireJSON.decode(
            EmbedResponse.self, from: body,
            orFailWith: "Ollama answered 200 with a body that is not an /api/embed answer")
        try Embeddings.checkVectorCount(decoded.embeddings.count, inputs: inputCount, from: "Ollama")
        let usage = decoded.promptEvalCount.map { TokenUsage(reportedPrompt: $0, completion: 0) }
        return Embeddings(vectors: decoded.embeddings, model: decoded.model ?? requestedModel, usage: usage)
    }
}
