import Logging
import NIOCore
import NIOHTTP1

/// Ollama's own generation endpoints, which the gateway proxies for Ollama clients.
public enum OllamaNativeEndpoint: String, Sendable, CaseIterable {
    case chat = "/api/chat"
    case generate = "/api/generate"
}

// The native API spoken as it is (protocols.md §2): the caller's JSON body goes upstream with every
// field it has, and the answer comes back byte for byte, so Ollama clients get exactly what Ollama
// would have sent them. Each call is one attempt; `ProviderChain.ollamaNative` retries and falls
// back.
extension OllamaProvider {
    /// POSTs `body` to `endpoint` and returns the whole 2xx answer as sent (for `"stream": false`).
    /// A non-2xx answer is thrown with Ollama's own message and status.
    public func native(
        _ endpoint: OllamaNativeEndpoint, body: JSONValue, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> ByteBuffer {
        try await post(endpoint.rawValue, body: body, model: model, timeout: timeout, logger: logger) {
            body throws(ProviderError) in body
        }
    }

    /// POSTs `body` to `endpoint` and returns the NDJSON answer once its first line has arrived
    /// (see `ProviderHTTPTransport.openLineStream` for the timeouts).
    public func nativeStream(
        _ endpoint: OllamaNativeEndpoint, body: JSONValue, model: String, firstByteTimeout: Duration,
        idleTimeout: Duration, logger: Logger
    ) async throws(ProviderError) -> (first: [UInt8], stream: OllamaLineStream) {
        try await transport.openLineStream(
            url: baseURL + endpoint.rawValue, body: ByteBuffer(string: body.serialized), model: model,
            firstByteTimeout: firstByteTimeout, idleTimeout: idleTimeout, logger: logger)
    }

    /// GETs a listing (`/api/tags`, `/api/ps`) and returns its 2xx body as sent.
    public func nativeListing(
        _ path: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError)
        -> ByteBuffer
    {
        try await transport.get(url: baseURL + path, headers: HTTPHeaders(), timeout: timeout, logger: logger) {
            body throws(ProviderError) in body
        }
    }
}
