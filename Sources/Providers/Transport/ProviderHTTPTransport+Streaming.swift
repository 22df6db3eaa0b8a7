import Logging
import NIOHTTP1

extension ProviderHTTPTransport {
    /// POSTs `body` as JSON and, on a 2xx, returns the response as a `CompletionStream` decoded by
    /// `decoder` while it arrives; timeouts, refusals and cancellation as `openStreamedBody` says.
    func openStream(
        url: String,
        headers: HTTPHeaders,
        body: some Encodable,
        accept: String,
        model: String,
        firstByteTimeout: Duration,
        idleTimeout: Duration,
        decoder: some CompletionStreamDecoder,
        logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        let pipe = CompletionChunkPipe()
        try await openStreamedBody(
            url: url, headers: headers, body: try WireJSON.encode(body, for: provider), accept: accept, model: model,
            firstByteTimeout: firstByteTimeout, idleTimeout: idleTimeout, decoder: decoder, into: pipe, unit: "chunk",
            logger: logger)
        return CompletionStream(pipe: pipe)
    }
}
