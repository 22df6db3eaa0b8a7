import Logging
import Providers

/// What `ModelResidency` needs from the Ollama server whose memory it manages: which models are
/// loaded, and loading or unloading one. `OllamaProvider` is the real one; tests put in a fake.
protocol OllamaResidencyBackend: Sendable {
    func runningModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [OllamaListedModel]
    func load(model: String, keepAlive: JSONValue?, timeout: Duration, logger: Logger) async throws(ProviderError)
    func unload(model: String, timeout: Duration, logger: Logger) async throws(ProviderError)
}

extension OllamaProvider: OllamaResidencyBackend {}
