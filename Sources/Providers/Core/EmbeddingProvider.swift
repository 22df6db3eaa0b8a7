import Logging

/// A provider that can turn texts into vectors (OpenAI-compatible, Azure, Ollama, Gemini), so
/// `POST /v1/embeddings` gets the chain's retry and fallback without knowing wire formats.
///
/// Like `complete`, one call is one logical attempt; `ProviderChain` owns retries and fallback.
public protocol EmbeddingProvider: ChatProvider {
    /// Embeds every input with `model` within `timeout` (connect to last byte of the last
    /// upstream request, when the provider has to split the inputs into several).
    func embed(
        _ request: EmbeddingRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Embeddings
}
