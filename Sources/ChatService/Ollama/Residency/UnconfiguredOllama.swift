import Logging
import Providers

/// The residency backend when `PROVIDERS` names no `ollama`-kind provider: every call fails with
/// a message saying so, and nothing runs in the background.
struct UnconfiguredOllama: OllamaResidencyBackend {
    private static let refusal = ProviderError(
        kind: .connect, message: "no ollama-kind provider is configured in PROVIDERS")

    func runningModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [OllamaListedModel] {
        throw Self.refusal
    }

    func load(model: String, keepAlive: JSONValue?, timeout: Duration, logger: Logger) async throws(ProviderError) {
        throw Self.refusal
    }

    func unload(model: String, timeout: Duration, logger: Logger) async throws(ProviderError) {
        throw Self.refusal
    }
}
