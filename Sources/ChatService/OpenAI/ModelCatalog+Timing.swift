import Logging
import Providers

extension ModelCatalog {
    /// `resolve`, with the time it takes counted as upstream time: resolving may list a
    /// provider's models (cached for a minute).
    nonisolated func resolve(
        _ requested: String, timing: RequestTiming, logger: Logger
    ) async -> (provider: ProviderName, model: String)? {
        let started = ContinuousClock.now
        defer { timing.addUpstream(since: started) }
        return await resolve(requested, logger: logger)
    }

    /// The provider `model` goes to first for a call only the `capable` providers can serve: the
    /// one that serves it (`provider/model`, a default, a listed model) when it is capable, else
    /// the first capable one, asked for the model as named (embedding and image models are rarely
    /// listed). A model served by a provider that is not capable is a 400: "which `incapable`".
    nonisolated func route(
        for model: String, among capable: [ProviderName], incapable: String, timing: RequestTiming,
        logger: Logger
    ) async throws(APIError) -> ProviderRoute {
        guard let resolved = await resolve(model, timing: timing, logger: logger) else {
            return ProviderRoute(first: nil, model: model, allowFallback: true)
        }
        guard capable.contains(resolved.provider) else {
            throw .invalidRequest(
                "the model `\(model)` is served by provider \(resolved.provider), which \(incapable)", param: "model")
        }
        return ProviderRoute(first: resolved.provider, model: resolved.model, allowFallback: true)
    }
}
