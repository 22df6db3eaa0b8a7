extension Embeddings {
    /// Refuses an answer that does not hold one vector per input, naming `server` (OpenAI,
    /// Ollama and Gemini answers are all checked so).
    static func checkVectorCount(_ count: Int, inputs: Int, from server: String) throws(ProviderError) {
        guard count == inputs else {
            throw ProviderError(
                kind: .invalidResponse, message: "\(server) answered \(count) embeddings for \(inputs) inputs")
        }
    }
}
