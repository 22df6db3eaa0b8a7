import Logging

extension ProviderChain {
    /// The configured providers that can embed, in `PROVIDERS` order.
    public var embeddingProviders: [any EmbeddingProvider] {
        providers.compactMap { $0 as? any EmbeddingProvider }
    }

    /// Embeds `request` with the same retry, fallback and deadline rules as `complete`; fallback
    /// goes only to providers that can embed, asked for the same model.
    public func embed(
        _ request: EmbeddingRequest, route: ProviderRoute, deadline: ContinuousClock.Instant, logger: Logger
    ) async -> Result<ChainAnswer<Embeddings>, ChainFailure> {
        await runCapable(
            (any EmbeddingProvider).self, to: "embed texts", route: route, deadline: deadline, logger: logger
        ) {
            embedder, model, timeout throws(ProviderError) in
            try await embedder.embed(request, model: model, timeout: timeout, logger: logger)
        }
    }
}
