import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension GeminiProvider {
    /// `POST …/models/{model}:streamGenerateContent?alt=sse` with the same body as `complete`.
    public func stream(
        _ request: CompletionRequest,
        model: String,
        firstByteTimeout: Duration,
        idleTimeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        let body = try ProviderHTTPTransport.jsonBody(Self.requestBody(for: request), provider: "Gemini")
        var headers = HTTPHeaders()
        headers.add(name: "x-goog-api-key", value: apiKey)
        return try await transport.openStream(
            url: url(model: model, method: "streamGenerateContent") + "?alt=sse",
            headers: headers,
            body: body,
            accept: "text/event-stream",
            model: model,
            firstByteTimeout: firstByteTimeout,
            idleTimeout: idleTimeout,
            decoder: GeminiStreamDecoder(requestedModel: model),
            errorForStatus: Self.error(status:headers:body:),
            logger: logger
        )
    }
}
