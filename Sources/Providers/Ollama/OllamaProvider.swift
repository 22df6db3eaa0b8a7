import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Ollama's native `POST /api/chat` (protocols.md §2) behind `ChatProvider`.
///
/// Always sends `"stream": false` (Ollama streams unless told otherwise) and reads the single
/// JSON object back. Local Ollama has no auth, so nothing secret is sent.
public struct OllamaProvider: ChatProvider {
    public let name = ProviderName.ollama
    public let defaultModel: String
    /// Without the trailing slash, e.g. `http://127.0.0.1:11434`.
    public let baseURL: String
    let transport: ProviderHTTPTransport

    public init(httpClient: HTTPClient, baseURL: String, defaultModel: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.defaultModel = defaultModel
        self.transport = ProviderHTTPTransport(httpClient: httpClient, provider: .ollama)
    }

    public func complete(
        _ request: CompletionRequest,
        model: String,
        timeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> Completion {
        let body = try ProviderHTTPTransport.jsonBody(Self.requestBody(for: request, model: model), provider: "Ollama")
        let response = try await transport.post(
            url: "\(baseURL)/api/chat",
            headers: HTTPHeaders(),
            body: body,
            model: model,
            timeout: timeout,
            logger: logger
        )
        guard (200..<300).contains(response.status.code) else {
            throw Self.error(status: response.status, headers: response.headers, body: response.body)
        }
        return try Self.completion(from: response.body, requestedModel: model)
    }
}
