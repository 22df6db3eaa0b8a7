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
        let hops = capableHops(for: route) { $0 is any EmbeddingProvider }
        guard !hops.isEmpty else { return .failure(noCapableProvider("embed texts", route: route)) }
        let outcome = await run(hops: hops, deadline: deadline, logger: logger) {
            provider, model, timeout throws(ProviderError) in
            // Every hop passed `capableHops`' filter.
            guard let embedder = provider as? any EmbeddingProvider else {
                throw ProviderError(kind: .invalidResponse, message: "provider \(provider.name) cannot embed texts")
            }
            return try await embedder.embed(request, model: model, timeout: timeout, logger: logger)
        }
        return outcome.map(\.answer)
    }
}
