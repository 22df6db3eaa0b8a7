import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension GeminiProvider {
    /// `POST …/models/{model}:streamGenerateContent?alt=sse` with the same body as `complete`.
    public func stream(
        _ request: CompletionRequest, model: String, firstByteTimeout: Duration, idleTimeout: Duration, logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        try await transport.openStream(
            url: url(model: model, method: "streamGenerateContent") + "?alt=sse",
            headers: requestHeaders,
            body: Self.requestBody(for: request),
            accept: "text/event-stream",
            model: model,
            firstByteTimeout: firstByteTimeout,
            idleTimeout: idleTimeout,
            decoder: GeminiStreamDecoder(requestedModel: model),
            logger: logger
        )
    }
}
