import Logging
import Providers

extension ProviderChain {
    /// The configured default model of `provider` ("" when it is not configured).
    func defaultModel(of provider: ProviderName) -> String {
        providers.first { $0.name == provider }?.defaultModel ?? ""
    }
}

extension ProviderChain {
    /// `complete`, with the time it takes (every attempt and backoff) counted as upstream time.
    func complete(
        _ request: CompletionRequest, route: ProviderRoute, deadline: ContinuousClock.Instant, timing: RequestTiming,
        logger: Logger
    ) async -> ChainResult {
        await timing.upstream { await complete(request, route: route, deadline: deadline, logger: logger) }
    }
}

extension ChainResult {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
