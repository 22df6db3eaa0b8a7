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
        await runCapable(
            (any ImageGenerationProvider).self, to: "generate images", route: route, deadline: deadline, logger: logger
        ) { painter, model, timeout throws(ProviderError) in
            try await painter.generateImages(request, model: model, timeout: timeout, logger: logger)
        }
    }
}
