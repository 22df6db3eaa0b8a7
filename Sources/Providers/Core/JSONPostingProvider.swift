import Logging
import NIOCore
import NIOHTTP1

/// A provider that posts JSON through its `ProviderHTTPTransport` (OpenAI-compatible, Ollama,
/// Gemini): they differ only in where an operation is served for a model and which headers go
/// with every call, so one `post` serves all their plain calls.
protocol JSONPostingProvider: Sendable {
    var transport: ProviderHTTPTransport { get }
    /// The headers every call carries (the key, where the provider takes one).
    var requestHeaders: HTTPHeaders { get }
    /// Where `operation` is served for `model`.
    func url(_ operation: String, model: String) -> String
}

extension JSONPostingProvider {
    /// POSTs `body` to `operation` for `model` and decodes the 2xx answer.
    func post<Answer>(
        _ operation: String, body: some Encodable, model: String, timeout: Duration, logger: Logger,
        decode: (ByteBuffer) throws(ProviderError) -> Answer
    ) async throws(ProviderError) -> Answer {
        try await transport.post(
            url: url(operation, model: model), headers: requestHeaders, body: body, model: model, timeout: timeout,
            logger: logger, decode: decode)
    }

    /// POSTs `request` as OpenAI's embedding body (which Ollama's `/api/embed` shares) to
    /// `operation` and reads the 2xx answer with `read(body, inputCount, requestedModel)`.
    func postEmbeddingBody(
        _ request: EmbeddingRequest, to operation: String, model: String, timeout: Duration, logger: Logger,
        read: (ByteBuffer, Int, String) throws(ProviderError) -> Embeddings
    ) async throws(ProviderError) -> Embeddings {
        try await post(
            operation, body: EmbeddingWireBody(for: request, model: model), model: model, timeout: timeout,
            logger: logger
        ) { body throws(ProviderError) in
            try read(body, request.inputs.count, model)
        }
    }

    /// `post(_:body:…)` for a body already written as JSON.
    func post<Answer>(
        _ operation: String, json body: ByteBuffer, model: String, timeout: Duration, logger: Logger,
        decode: (ByteBuffer) throws(ProviderError) -> Answer
    ) async throws(ProviderError) -> Answer {
        try await transport.post(
            url: url(operation, model: model), headers: requestHeaders, json: body, model: model, timeout: timeout,
            logger: logger, decode: decode)
    }
}
