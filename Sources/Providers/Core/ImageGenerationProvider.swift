import Logging

/// A provider that can draw images (OpenAI-compatible and Azure upstreams), so
/// `POST /v1/images/generations` gets the chain's retry and fallback and skips providers
/// (Gemini, Ollama) that cannot.
public protocol ImageGenerationProvider: ChatProvider {
    /// Generates the images with `model` in one upstream request within `timeout`.
    func generateImages(
        _ request: ImageRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> GeneratedImages
}
