import Logging
import Providers

extension ModelCatalog {
    /// `resolve`, with the time it takes counted as upstream time: resolving may list a
    /// provider's models (cached for a minute).
    nonisolated func resolve(
        _ requested: String, timing: RequestTiming, logger: Logger
    ) async -> (provider: ProviderName, model: String)? {
        await timing.upstream { await resolve(requested, logger: logger) }
    }

    /// The provider `model` goes to first for a call only the `capable` providers can serve: the
    /// one that serves it (`provider/model`, a default, a listed model) when it is capable, else
    /// the first capable one, asked for the model as named (embedding and image models are rarely
    /// listed). No capable provider at all, or a model served by one that is not capable, is a
    /// 400 saying which provider cannot `ability` (`embed texts`), followed by `hint`.
    nonisolated func route(
        for model: String, among capable: [any ChatProvider], configured: [any ChatProvider], ability: String,
        hint: String = "", timing: RequestTiming, logger: Logger
    ) async throws(APIError) -> ProviderRoute {
        guard !capable.isEmpty else {
            let names = configured.map { "\($0.name)" }.joined(separator: ",")
            throw .invalidRequest("no configured provider can \(ability) (PROVIDERS = \(names))\(hint)", param: "model")
        }
        guard let resolved = await resolve(model, timing: timing, logger: logger) else {
            return ProviderRoute(first: nil, model: model, allowFallback: true)
        }
        guard capable.contains(where: { $0.name == resolved.provider }) else {
            throw .invalidRequest(
                "the model `\(model)` is served by provider \(resolved.provider), which cannot \(ability)\(hint)",
                param: "model")
        }
        return ProviderRoute(first: resolved.provider, model: resolved.model, allowFallback: true)
    }
}
