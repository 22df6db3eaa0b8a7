import Logging

/// Routing for the calls only some provider kinds can make (embeddings, images): the hops are
/// the capable providers only, and every hop is asked for the *same* model, because another
/// model's vectors (or images) are not a substitute the caller could tell apart.
extension ProviderChain {
    /// The capable providers to try for `route`, in `PROVIDERS` order starting with the route's
    /// first provider (or the first capable one); only that one unless the route allows fallback.
    /// Empty when the route pins a provider that is missing or not capable, or none is capable.
    func capableHops(for route: ProviderRoute, where isCapable: (any ChatProvider) -> Bool) -> [Hop] {
        let capable = providers.filter(isCapable)
        let first: any ChatProvider
        if let pinned = route.first {
            guard let match = capable.first(where: { $0.name == pinned }) else { return [] }
            first = match
        } else {
            guard let primary = capable.first else { return [] }
            first = primary
        }
        let model = route.model ?? first.defaultModel
        var hops = [Hop(provider: first, model: model)]
        if route.allowFallback {
            hops += capable.filter { $0.name != first.name }.map { Hop(provider: $0, model: model) }
        }
        return hops
    }

    /// Runs `attempt` over the providers of kind `Capable` for `route` (see `capableHops`) with
    /// the chain's retry, fallback and deadline rules; `what` completes "No configured provider
    /// can …" and "provider X cannot …".
    func runCapable<Capable, Value: Sendable>(
        _ kind: Capable.Type,
        to what: String,
        route: ProviderRoute,
        deadline: ContinuousClock.Instant,
        logger: Logger,
        attempt: (_ provider: Capable, _ model: String, _ timeout: Duration) async throws(ProviderError) -> Value
    ) async -> Result<ChainAnswer<Value>, ChainFailure> {
        let hops = capableHops(for: route) { $0 is Capable }
        guard !hops.isEmpty else { return .failure(noCapableProvider(what, route: route)) }
        let outcome = await run(hops: hops, deadline: deadline, logger: logger) {
            provider, model, timeout throws(ProviderError) in
            // Every hop passed `capableHops`' filter.
            guard let capable = provider as? Capable else {
                throw ProviderError(kind: .invalidResponse, message: "provider \(provider.name) cannot \(what)")
            }
            return try await attempt(capable, model, timeout)
        }
        return outcome.map(\.answer)
    }

    /// The failure for a call no configured provider can make; the HTTP layer checks capability
    /// first and answers 400, so this only guards the chain's own contract.
    func noCapableProvider(_ what: String, route: ProviderRoute) -> ChainFailure {
        let configured = providers.map { "\($0.name)" }.joined(separator: ",")
        return ChainFailure(
            reason: .allProvidersFailed, attempts: [], provider: route.first ?? providers[0].name,
            model: route.model ?? "",
            message: "No configured provider can \(what) (PROVIDERS = \(configured)).", retryAfter: nil)
    }
}

extension ProviderChain.Outcome {
    /// The public form of a successful run.
    var answer: ChainAnswer<Value> {
        ChainAnswer(value: value, provider: provider, model: model, attempts: attempts, fallback: fallback)
    }
}
