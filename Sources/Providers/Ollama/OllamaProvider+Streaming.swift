import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OllamaProvider {
    /// `POST /api/chat` with `"stream": true`, read as NDJSON while it arrives.
    public func stream(
        _ request: CompletionRequest, model: String, firstByteTimeout: Duration, idleTimeout: Duration, logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        if request.usesFeatures,
            let feature = await unsupportedFeature(of: request, model: model, timeout: firstByteTimeout, logger: logger)
        {
            throw .unsupported(feature)
        }
        var wire = Self.requestBody(for: request, model: model)
        wire.stream = true
        return try await transport.openStream(
            url: "\(baseURL)/api/chat",
            headers: HTTPHeaders(),
            body: wire,
            accept: "application/x-ndjson",
            model: model,
            firstByteTimeout: firstByteTimeout,
            idleTimeout: idleTimeout,
            decoder: OllamaStreamDecoder(requestedModel: model),
            logger: logger
        )
    }
}
