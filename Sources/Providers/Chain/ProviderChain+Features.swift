import Logging

extension ProviderChain {
    /// Why the route's first provider cannot serve `request`'s tools, JSON output or images, or
    /// `nil` when it can (or when the request uses none of them: then nothing is asked).
    ///
    /// The first hop is the provider and model the caller chose, so a feature it lacks is the
    /// caller's 400; later hops that lack one fail their attempt with a 400 of their own
    /// (`ProviderError.unsupported`) and the chain moves on, so fallback skips them.
    public func unsupportedFeature(
        of request: CompletionRequest, route: ProviderRoute, logger: Logger
    ) async -> UnsupportedFeature? {
        guard request.usesFeatures, let first = hops(for: route).first else { return nil }
        return await first.provider.unsupportedFeature(
            of: request, model: first.model, timeout: providerTimeout, logger: logger)
    }
}

extension CompletionRequest {
    /// Whether any message, tool or format asks for more than plain text in and out.
    public var usesFeatures: Bool {
        !tools.isEmpty || (responseFormat != nil && responseFormat != .text)
            || messages.contains { !$0.images.isEmpty || !$0.toolCalls.isEmpty || $0.role == .tool }
    }
}

extension ProviderError {
    /// A provider skipping a request it cannot serve: a 400 (not retried, the chain moves on)
    /// whose message names the field.
    public static func unsupported(_ feature: UnsupportedFeature) -> ProviderError {
        ProviderError(kind: .http(status: 400), message: feature.description)
    }
}
