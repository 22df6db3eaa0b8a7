import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An OpenAI-compatible `chat/completions` upstream (protocols.md §3: OpenAI itself, OpenRouter,
/// vLLM, llama.cpp's server, LM Studio, Ollama's `/v1`) behind `ChatProvider`, so the gateway
/// can front any of them with the same retry, fallback and usage accounting.
///
/// `baseURL` includes the version segment, as in the OpenAI SDKs (`https://api.openai.com/v1`,
/// `http://127.0.0.1:8000/v1`); the provider appends `/chat/completions` and `/models`. The key,
/// when there is one, goes in `Authorization: Bearer`; local servers usually need none.
public struct OpenAIProvider: ChatProvider {
    public let name = ProviderName.openai
    public let defaultModel: String
    /// Without the trailing slash, e.g. `https://api.openai.com/v1`.
    public let baseURL: String
    let apiKey: String?
    let transport: ProviderHTTPTransport

    /// `clock` times attempts and streams; tests pass one they move forward themselves.
    public init(
        httpClient: HTTPClient, baseURL: String, apiKey: String?, defaultModel: String,
        clock: ProviderClock = .continuous
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.defaultModel = defaultModel
        self.transport = ProviderHTTPTransport(
            httpClient: httpClient, provider: .openai, clock: clock, errorForStatus: Self.error(status:headers:body:))
    }

    /// `Authorization: Bearer <key>` when a key is configured.
    var authorizationHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        if let apiKey { headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        return headers
    }

    public func complete(
        _ request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Completion {
        try await transport.post(
            url: "\(baseURL)/chat/completions",
            headers: authorizationHeaders,
            body: Self.requestBody(for: request, model: model, stream: false),
            model: model,
            timeout: timeout,
            logger: logger
        ) { body throws(ProviderError) in
            try Self.completion(from: body, requestedModel: model)
        }
    }
}
