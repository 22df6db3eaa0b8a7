import Logging

extension ProviderChain {
    /// The configured providers that can generate images, in `PROVIDERS` order.
    public var imageProviders: [any ImageGenerationProvider] {
        providers.compactMap { $0 as? any ImageGenerationProvider }
    }

    /// Generates images with the same retry, fallback and deadline rules as `complete`; fallback
    /// skips providers that cannot draw and asks the others for the same model.
    public func generateImages(
        _ request: ImageRequest, route: ProviderRoute, deadline: ContinuousClock.Instant, logger: Logger
    ) async -> Result<ChainAnswer<GeneratedImages>, ChainFailure> {
        let hops = capableHops(for: route) { $0 is any ImageGenerationProvider }
        guard !hops.isEmpty else { return .failure(noCapableProvider("generate images", route: route)) }
        let outcome = await run(hops: hops, deadline: deadline, logger: logger) {
            provider, model, timeout throws(ProviderError) in
            // Every hop passed `capableHops`' filter.
            guard let painter = provider as? any ImageGenerationProvider else {
                throw ProviderError(kind: .invalidResponse, message: "provider \(provider.name) cannot generate images")
            }
            return try await painter.generateImages(request, model: model, timeout: timeout, logger: logger)
        }
        return outcome.map(\.answer)
    }
}
