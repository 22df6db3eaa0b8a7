import Logging

/// Routing for Ollama's native API, proxied for Ollama clients (SPEC §7): only `ollama`-kind
/// providers can answer it, in `PROVIDERS` order, each asked for the *same* model (another
/// server's copy of the model the client named), with the chain's retry, backoff and deadline
/// rules up to the answer (or, streamed, its first line).
extension ProviderChain {
    /// The configured `ollama`-kind providers, in `PROVIDERS` order; the first is the one whose
    /// models the gateway keeps resident.
    public var ollamaProviders: [OllamaProvider] {
        providers.compactMap { $0 as? OllamaProvider }
    }

    /// Runs `attempt` against each `ollama`-kind provider in turn, retrying and falling back as
    /// `complete` does, until one succeeds or the deadline passes.
    public func ollamaNative<Value: Sendable>(
        model: String,
        deadline: ContinuousClock.Instant,
        logger: Logger,
        attempt: (_ ollama: OllamaProvider, _ timeout: Duration) async throws(ProviderError) -> Value
    ) async -> Result<ChainAnswer<Value>, ChainFailure> {
        await runCapable(
            OllamaProvider.self, to: "serve Ollama's API", route: ProviderRoute(model: model), deadline: deadline,
            logger: logger
        ) { ollama, _, timeout throws(ProviderError) in
            try await attempt(ollama, timeout)
        }
    }
}
