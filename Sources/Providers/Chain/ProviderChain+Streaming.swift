import Logging

extension ProviderChain {
    /// Streams an answer to `request`, retrying and falling back exactly as `complete` does until
    /// a provider has delivered its first chunk; from then on the chain is committed to it.
    ///
    /// Per attempt, the first-byte timeout (connect to first chunk) is
    /// `min(providerTimeout, time left until deadline)` and the idle timeout between later chunks
    /// is `providerTimeout`. `deadline` bounds reaching the first chunk, not the whole stream.
    /// An error before the first chunk (non-2xx, connect failure, a mid-stream error event as the
    /// very first event, first-byte timeout) counts as a failed attempt; after it, an upstream
    /// failure is thrown by the returned stream.
    public func stream(
        _ request: CompletionRequest,
        route: ProviderRoute,
        deadline: ContinuousClock.Instant,
        logger: Logger
    ) async -> StreamingChainResult {
        let idleTimeout = providerTimeout
        let outcome = await run(route: route, deadline: deadline, logger: logger) {
            provider, model, timeout throws(ProviderError) -> (CompletionChunk, CompletionStream) in
            let stream = try await provider.stream(
                request,
                model: model,
                firstByteTimeout: timeout,
                idleTimeout: idleTimeout,
                logger: logger
            )
            guard let started = try await stream.awaitingFirstChunk() else {
                throw ProviderError(kind: .invalidResponse, message: "the stream ended before its first chunk")
            }
            return started
        }
        return outcome.fold { success in
            .success(
                StreamingChainSuccess(
                    stream: success.value.1, firstChunk: success.value.0, provider: success.provider,
                    model: success.model, attempts: success.attempts, fallback: success.fallback))
        } failure: {
            .failure($0)
        }
    }
}
