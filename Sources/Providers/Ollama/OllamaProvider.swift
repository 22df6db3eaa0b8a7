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
public struct OllamaProvider: ChatProvider, JSONPostingProvider {
    public let name: ProviderName
    public let kind = ProviderKind.ollama
    public let defaultModel: String
    /// Without the trailing slash, e.g. `http://127.0.0.1:11434`.
    public let baseURL: String
    let transport: ProviderHTTPTransport
    /// This provider's host's share of `PROVIDER_MAX_CONNECTIONS`, from `connectionGates`.
    public let connectionGate: ProviderConnectionGate?

    /// `name` is what `PROVIDERS` calls it (`ollama-gpu`); `clock` times attempts and streams,
    /// tests pass one they move forward themselves.
    /// `connectionGates` (one for all providers, sized as the `HTTPClient`'s pool) makes a call
    /// wait for a free connection to this host before its attempt starts; `nil` never waits here.
    public init(
        name: ProviderName = .ollama, httpClient: HTTPClient, baseURL: String, defaultModel: String,
        clock: ProviderClock = .continuous, connectionGates: ProviderConnectionGates? = nil
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.defaultModel = defaultModel
        self.transport = ProviderHTTPTransport(
            httpClient: httpClient, provider: name, clock: clock, errorForStatus: Self.error(status:headers:body:))
        self.connectionGate = connectionGates?.gate(for: self.baseURL)
    }

    /// Ollama takes no headers of the gateway's.
    var requestHeaders: HTTPHeaders { HTTPHeaders() }

    /// `{base}{path}`: an operation is a path of the server (`/api/chat`), whatever the model.
    func url(_ path: String, model: String) -> String { baseURL + path }

    public func complete(
        _ request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Completion {
        if request.usesFeatures,
            let feature = await unsupportedFeature(of: request, model: model, timeout: timeout, logger: logger)
        {
            throw .unsupported(feature)
        }
        return try await post(
            "/api/chat", json: try Self.requestBody(for: request, model: model).encoded(for: name), model: model,
            timeout: timeout, logger: logger
        ) { body throws(ProviderError) in
            try Self.completion(from: body, requestedModel: model)
        }
    }
}
