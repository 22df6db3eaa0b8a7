import Logging
import NIOHTTP1

extension OpenAIProvider {
    /// `POST {base}/chat/completions` with `stream: true` and `stream_options.include_usage`.
    public func stream(
        _ request: CompletionRequest, model: String, firstByteTimeout: Duration, idleTimeout: Duration, logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        try await transport.openStream(
            url: url("chat/completions", model: model),
            headers: requestHeaders,
            body: Self.requestBody(for: request, model: model, stream: true),
            accept: "text/event-stream",
            model: model,
            firstByteTimeout: firstByteTimeout,
            idleTimeout: idleTimeout,
            decoder: OpenAIStreamDecoder(requestedModel: model),
            logger: logger
        )
    }
}
