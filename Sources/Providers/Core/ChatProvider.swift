import Logging

/// One upstream language-model API (Gemini, Ollama, an OpenAI-compatible server) behind one shape,
/// so retry, fallback and the HTTP routes never care which wire format is spoken.
///
/// A provider makes exactly one HTTP attempt per call; `ProviderChain` owns retries and fallback.
public protocol ChatProvider: Sendable {
    /// Which configured provider this is (`gemini`, `azure-west`, `ollama-gpu`): what `PROVIDERS`
    /// lists, what a caller pins and what the stored document's `provider` says.
    var name: ProviderName { get }
    /// Which wire format it speaks; several names may share one kind (two Azure regions).
    var kind: ProviderKind { get }
    /// The model used when the caller does not pick one.
    var defaultModel: String { get }
    /// The gate in front of this provider's host's connections: `ProviderChain` waits here for a
    /// free connection before an attempt's clock starts. `nil` (test stand-ins without HTTP) waits
    /// for nothing.
    var connectionGate: ProviderConnectionGate? { get }
    /// Sends one request and returns the whole answer. `timeout` bounds connect to last byte.
    func complete(
        _ request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Completion

    /// Sends one streaming request and returns once the provider has accepted it (a 2xx head);
    /// the answer then arrives chunk by chunk through the returned stream.
    ///
    /// A refusal before the stream starts (non-2xx, connect failure, no head within
    /// `firstByteTimeout`) is thrown here, as the same `ProviderError` `complete` would throw.
    /// `firstByteTimeout` bounds connect to the first chunk; `idleTimeout` bounds each later gap
    /// between chunks. Failures after that are thrown by the stream.
    func stream(
        _ request: CompletionRequest, model: String, firstByteTimeout: Duration, idleTimeout: Duration, logger: Logger
    ) async throws(ProviderError) -> CompletionStream

    /// The models this provider serves right now (one HTTP exchange, or one per page for
    /// Gemini, all within `timeout`).
    func listModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [ProviderModel]

    /// Why this provider cannot serve `request`'s tools, JSON output or images with `model`
    /// (asking the provider when it must, within `timeout`), or `nil` when it can.
    func unsupportedFeature(
        of request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async -> UnsupportedFeature?
}
