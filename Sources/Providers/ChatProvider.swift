import Logging

/// One upstream language-model API (Gemini, Ollama, an OpenAI-compatible server) behind one shape,
/// so retry, fallback and the HTTP routes never care which wire format is spoken.
///
/// A provider makes exactly one HTTP attempt per call; `ProviderChain` owns retries and fallback.
public protocol ChatProvider: Sendable {
    /// Which configured provider this is (`gemini`, `ollama`, `openai`).
    var name: ProviderName { get }
    /// The model used when the caller does not pick one.
    var defaultModel: String { get }
    /// Sends one request and returns the whole answer. `timeout` bounds connect to last byte.
    func complete(
        _ request: CompletionRequest,
        model: String,
        timeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> Completion
}

/// The names `PROVIDERS` accepts, in the order the SPEC lists them.
public enum ProviderName: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    case gemini
    case ollama
    case openai
    public var description: String { rawValue }
}
