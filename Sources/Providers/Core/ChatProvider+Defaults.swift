import Logging

// Fallbacks for providers (mostly test stand-ins) that implement only `complete`.
extension ChatProvider {
    /// Answers with `complete` and delivers the whole answer as a single chunk; the first-byte
    /// timeout bounds the whole call, since nothing arrives before the end.
    public func stream(
        _ request: CompletionRequest, model: String, firstByteTimeout: Duration, idleTimeout: Duration, logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        let completion = try await complete(request, model: model, timeout: firstByteTimeout, logger: logger)
        var chunk = CompletionChunk(
            textDelta: completion.text,
            finishReason: completion.finishReason,
            usage: completion.usage,
            model: completion.model
        )
        chunk.toolCalls = completion.toolCalls.enumerated().map { index, call in
            ToolCallDelta(index: index, id: call.id, name: call.name, arguments: call.arguments)
        }
        return CompletionStream(chunks: [chunk])
    }

    /// Reports just the default model, for providers that cannot list theirs.
    public func listModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [ProviderModel] {
        [ProviderModel(id: defaultModel, created: nil, ownedBy: name.rawValue)]
    }
}

extension ChatProvider {
    /// No gate: a provider that makes no HTTP exchanges of its own (a test stand-in) never waits.
    public var connectionGate: ProviderConnectionGate? { nil }

    /// Serves every feature, for providers (mostly test stand-ins) that do not say otherwise.
    public func unsupportedFeature(
        of request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async -> UnsupportedFeature? {
        nil
    }
}
