import Logging
import NIOCore
import NIOHTTP1

extension ProviderHTTPTransport {
    /// POSTs `body` (JSON text, sent as it is) and, on a 2xx, returns the NDJSON answer as raw
    /// lines once its first line has arrived, so a caller can retry or fall back up to that point
    /// and forward every line untouched after it.
    ///
    /// Timeouts and failures as in `openStreamedBody`: `firstByteTimeout` bounds connect → head →
    /// first line (a non-2xx answer is read within it and thrown as `errorForStatus` reads it);
    /// `idleTimeout` bounds each later gap; a body that breaks off ends the stream with `.connect`.
    func openLineStream(
        url: String,
        body: ByteBuffer,
        model: String,
        firstByteTimeout: Duration,
        idleTimeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> (first: [UInt8], stream: OllamaLineStream) {
        let stream = OllamaLineStream()
        try await openStreamedBody(
            url: url, headers: [:], body: body, accept: "application/x-ndjson", model: model,
            firstByteTimeout: firstByteTimeout, idleTimeout: idleTimeout, decoder: NDJSONLineSplitter(),
            into: stream.pipe, unit: "line", logger: logger)
        guard let first = try await stream.next() else {
            throw ProviderError(kind: .invalidResponse, message: "Ollama's stream ended before its first line")
        }
        return (first, stream)
    }
}
