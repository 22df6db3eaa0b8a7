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
///
/// With the `.azure` dialect the same code speaks Azure OpenAI (protocols.md §5): deployment URLs
/// with `api-version` and the key in `api-key`; bodies, streams and errors are OpenAI's.
public struct OpenAIProvider: ChatProvider, JSONPostingProvider {
    public let name: ProviderName
    public let dialect: OpenAIDialect
    public var kind: ProviderKind { dialect.kind }
    public let defaultModel: String
    /// Without the trailing slash, e.g. `https://api.openai.com/v1`.
    public let baseURL: String
    let apiKey: String?
    let transport: ProviderHTTPTransport
    /// This provider's host's share of `PROVIDER_MAX_CONNECTIONS`, from `connectionGates`.
    public let connectionGate: ProviderConnectionGate?

    /// `name` is what `PROVIDERS` calls it (`azure-west`); for `.azure`, `defaultModel` is the
    /// deployment. `clock` times attempts and streams; tests pass one they move forward themselves.
    /// `connectionGates` (one for all providers, sized as the `HTTPClient`'s pool) makes a call
    /// wait for a free connection to this host before its attempt starts; `nil` never waits here.
    public init(
        name: ProviderName = .openai, dialect: OpenAIDialect = .openAI, httpClient: HTTPClient, baseURL: String,
        apiKey: String?, defaultModel: String, clock: ProviderClock = .continuous,
        connectionGates: ProviderConnectionGates? = nil
    ) {
        self.name = name
        self.dialect = dialect
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.defaultModel = defaultModel
        self.transport = ProviderHTTPTransport(
            httpClient: httpClient, provider: name, clock: clock, errorForStatus: Self.error(status:headers:body:))
        self.connectionGate = connectionGates?.gate(for: self.baseURL)
    }

    /// `Authorization: Bearer <key>` (Azure: `api-key: <key>`) when a key is configured.
    var requestHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        guard let apiKey else { return headers }
        switch dialect {
        case .openAI: headers.add(name: "authorization", value: "Bearer \(apiKey)")
        case .azure: headers.add(name: "api-key", value: apiKey)
        }
        return headers
    }

    /// Where `operation` (`chat/completions`, `embeddings`, `images/generations`) is served for
    /// `model`: `{base}/{operation}`, or Azure's `{base}/openai/deployments/{model}/{operation}?api-version=…`.
    func url(_ operation: String, model: String) -> String {
        switch dialect {
        case .openAI:
            return "\(baseURL)/\(operation)"
        case .azure(let apiVersion):
            let deployment =
                model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? model
            let version = apiVersion.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? apiVersion
            return "\(baseURL)/openai/deployments/\(deployment)/\(operation)?api-version=\(version)"
        }
    }

    public func complete(
        _ request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Completion {
        try await post(
            "chat/completions", body: Self.requestBody(for: request, model: model, stream: false), model: model,
            timeout: timeout, logger: logger
        ) { body throws(ProviderError) in
            try Self.completion(from: body, requestedModel: model)
        }
    }
}
